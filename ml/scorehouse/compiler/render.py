"""Render the expression tree for one dialect; dialect quirks live here and nowhere else."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from scorehouse.compiler.literals import is_double_literal, is_special_literal, special
from scorehouse.errors import ScorehouseError

# Dialects whose parser reads a number in exponent form as DOUBLE; elsewhere (PostgreSQL
# reads it as NUMERIC) the explicit cast stays.
EXPONENT_IS_DOUBLE = {
    "duckdb",
    "spark",
    "spark2",
    "databricks",
    "snowflake",
    "bigquery",
    "trino",
    "presto",
    "hive",
}
SUPPORTED = ("duckdb", "postgres", "spark", "databricks", "snowflake", "bigquery", "trino")


def check_dialect(dialect: str) -> None:
    try:
        sqlglot.Dialect.get_or_raise(dialect)
    except ValueError as error:
        raise ScorehouseError(
            f"unknown SQL dialect {dialect!r}; scorehouse is tested with: {', '.join(SUPPORTED)}"
        ) from error


# NaN and ±inf. The compiler writes ``IsNan(x)``, ``IsInf(x)`` and ``CAST('NaN' AS DOUBLE)``
# (literals.special); each engine spells them its own way, and sqlglot's spelling is not
# always one the engine has:
#
# - DuckDB: ISNAN, ISINF; Spark, Databricks: ISNAN, and no IS_INF, so ABS(x) = +inf;
# - PostgreSQL has neither function; it holds NaN = NaN true, so x = 'NaN', and
#   ABS(x) = 'Infinity';
# - Snowflake: no IS_NAN or IS_INF either; NaN = NaN is true there too; it spells the
#   values 'NaN', 'inf' and '-inf';
# - BigQuery: IS_NAN, IS_INF, and 'NaN', 'inf', '-inf';
# - Trino: IS_NAN and IS_INFINITE; 'NaN' and 'Infinity' cast to DOUBLE.
NAN_BY_EQUALITY = {"postgres", "snowflake"}
INF_BY_ABS = {"postgres", "snowflake", "spark", "spark2", "databricks", "hive"}
INF_FUNCTION = {"trino": "IS_INFINITE", "presto": "IS_INFINITE"}
SHORT_INFINITY = {"snowflake", "bigquery"}


def _spelled(literal: exp.Expression, dialect: str) -> exp.Expression:
    """A literals.special value as ``dialect`` reads it."""
    if dialect in SHORT_INFINITY:
        literal.this.set("this", literal.this.this.replace("Infinity", "inf"))
    return literal


def _respell(node: exp.Expression, dialect: str) -> exp.Expression:
    """``node`` as ``dialect`` writes it: a special value or test, a DOUBLE literal."""
    if isinstance(node, exp.IsNan):
        if dialect in NAN_BY_EQUALITY:
            nan = _spelled(special(math.nan), dialect)
            return exp.Paren(this=exp.EQ(this=node.this, expression=nan))
    elif isinstance(node, exp.IsInf):
        if dialect in INF_BY_ABS:
            infinity = _spelled(special(math.inf), dialect)
            return exp.Paren(this=exp.EQ(this=exp.Abs(this=node.this), expression=infinity))
        if dialect in INF_FUNCTION:
            return exp.Anonymous(this=INF_FUNCTION[dialect], expressions=[node.this])
    elif is_special_literal(node):
        return _spelled(node, dialect)
    elif dialect in EXPONENT_IS_DOUBLE and is_double_literal(node):
        return node.this
    return node


def _respell_all(query: exp.Expression, dialect: str) -> exp.Expression:
    """:func:`_respell` on every node, the deepest first (a test may hold another); the
    new root."""
    for node in reversed(list(query.find_all(exp.Cast, exp.IsNan, exp.IsInf))):
        new = _respell(node, dialect)
        if new is not node:
            if node is query:
                return new
            node.replace(new)
    return query


@contextmanager
def _deep_recursion(limit: int = 20000) -> Iterator[None]:
    """sqlglot walks expressions recursively; big models nest deeper than Python's default."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# Dialects that inline a CTE read once and substitute its expressions wherever its columns
# are read: a stage read several times by the next is then computed several times, and
# stacked stages multiply the copies (a calibrated multiclass model did not plan in 15 s on
# PostgreSQL 15). OFFSET 0 is PostgreSQL's fence against that flattening.
FENCED_CTES = {"postgres"}


def _fence_ctes(query: exp.Expression) -> None:
    for cte in query.find_all(exp.CTE):
        cte.this.set("offset", exp.Offset(expression=exp.Literal.number(0)))


def render(query: exp.Expression, dialect: str) -> str:
    with _deep_recursion():
        query = _respell_all(query, dialect)
        if dialect in FENCED_CTES:
            _fence_ctes(query)
        return query.sql(dialect=dialect, pretty=False)


def parse_relation(source: str, dialect: str) -> exp.Table:
    try:
        table = sqlglot.parse_one(source, into=exp.Table, dialect=dialect)
    except ParseError as error:
        raise ScorehouseError(f"source {source!r} is not a table or view name: {error}") from error
    return table


# --- arrays ------------------------------------------------------------------------------
#
# The array encoding of trees (``walk.py``) needs three things: a per-row array of inputs, a
# constant array parsed from one string literal, and 1-based element access. Engines agree on
# none of the spellings, and sqlglot does not translate them faithfully (PostgreSQL has no
# ``SPLIT``, Spark's ``a[i]`` counts from 0), so they are written here for each dialect that
# has been checked. Other dialects get ``None`` from :func:`array_dialect` and the trees are
# compiled as nested CASE there instead.
#
# - DuckDB: lists, ``CAST(STRING_SPLIT(s, ',') AS DOUBLE[])``, ``LIST_EXTRACT(a, i)``.
# - PostgreSQL: ``ARRAY[...]``, ``CAST(STRING_TO_ARRAY(s, ',') AS DOUBLE PRECISION[])``,
#   ``a[i]`` with INTEGER subscripts.
# - Spark / Databricks: ``ARRAY(...)``, ``CAST(SPLIT(s, ',') AS ARRAY<DOUBLE>)``,
#   ``ELEMENT_AT(a, i)`` (1-based; ``a[i]`` would count from 0).
# - Trino: ``ARRAY[...]``, ``CAST(SPLIT(s, ',') AS ARRAY(DOUBLE))``, ``ELEMENT_AT(a, i)``.
#
# Snowflake and BigQuery are left out: their arrays hold VARIANTs or refuse NULL elements,
# and both cap a statement at about 1 MB, far below what a large forest needs.


@dataclass(frozen=True)
class ArrayDialect:
    name: str
    split: str  # the function splitting a string into an array of strings
    element_function: str | None  # None: a[i] counts from 1
    integer: str  # the integer type of node numbers (PostgreSQL subscripts are INTEGER)

    def array(self, items: Sequence[exp.Expression]) -> exp.Expression:
        return exp.Array(expressions=list(items))

    def element(self, array: exp.Expression, index: exp.Expression) -> exp.Expression:
        """``array[index]``, counting from 1."""
        if self.element_function is None:
            return exp.Bracket(this=array, expressions=[index])
        return exp.Anonymous(this=self.element_function, expressions=[array, index])

    def parse(self, text: exp.Expression, element_type: str) -> exp.Expression:
        """The array in ``text``, comma-separated numbers (one token, however long)."""
        split = exp.Anonymous(this=self.split, expressions=[text, exp.Literal.string(",")])
        return exp.Cast(this=split, to=exp.DataType.build(f"ARRAY<{element_type}>"))


ARRAYS = {
    # LIST_EXTRACT is what DuckDB's a[i] means; sqlglot renders a[i] slowly for DuckDB
    "duckdb": ArrayDialect("duckdb", "STRING_SPLIT", "LIST_EXTRACT", "BIGINT"),
    "postgres": ArrayDialect("postgres", "STRING_TO_ARRAY", None, "INT"),
    "spark": ArrayDialect("spark", "SPLIT", "ELEMENT_AT", "INT"),
    "databricks": ArrayDialect("databricks", "SPLIT", "ELEMENT_AT", "INT"),
    "trino": ArrayDialect("trino", "SPLIT", "ELEMENT_AT", "BIGINT"),
}


def array_dialect(dialect: str | None) -> ArrayDialect | None:
    """How ``dialect`` spells arrays, or None where trees stay nested CASE."""
    return ARRAYS.get(dialect or "")
