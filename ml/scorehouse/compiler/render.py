"""Render the expression tree for one dialect; dialect quirks live here and nowhere else."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from scorehouse.compiler.literals import is_double_literal
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


def _drop_literal_casts(node: exp.Expression) -> exp.Expression:
    if is_double_literal(node):
        return node.this
    return node


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
        if dialect in EXPONENT_IS_DOUBLE:
            query = query.transform(_drop_literal_casts, copy=False)
        if dialect in FENCED_CTES:
            _fence_ctes(query)
        return query.sql(dialect=dialect, pretty=False)


def parse_relation(source: str, dialect: str) -> exp.Table:
    try:
        table = sqlglot.parse_one(source, into=exp.Table, dialect=dialect)
    except ParseError as error:
        raise ScorehouseError(f"source {source!r} is not a table or view name: {error}") from error
    return table
