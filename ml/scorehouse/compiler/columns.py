"""The columns that flow between compilation steps, and arithmetic helpers over them.

NaN is not NULL. DuckDB, PostgreSQL and Spark keep IEEE NaN and ±inf in DOUBLE columns;
``COALESCE`` keeps a NaN, and DuckDB, PostgreSQL and Spark sort it above every number, so
``x <= t`` would send it where no missing value goes. scikit-learn reads NaN as missing, and
pandas reads a NULL from the warehouse as NaN: the two must behave alike. So a column read
straight from the source is marked (``Domain.NAN``), and :func:`as_double` turns its NaN
into NULL where it is first read as a number; after that, SQL's NULL is the one missing
value, and every step's NULL handling is scikit-learn's NaN handling. ``Column.domain``
also says whether a value may be infinite, so that a step refusing infinity checks only the
columns that can hold it (see ``Context.refuse_infinite``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum

from sqlglot import exp

from scorehouse.compiler.literals import DOUBLE, double

# DuckDB and SQLite refuse expressions nested much deeper than 1000; a left-deep sum adds a
# level per term, so long sums are split across stages (see QueryBuilder.sum_in_order).
MAX_TERMS_PER_SUM = 100


class Domain(IntEnum):
    """What a column may hold besides NULL, on the rows no step has refused.

    Each level promises more than the one before it.
    """

    NAN = 0  # anything: as read from the source, where a number may be NaN or ±inf
    INFINITE = 1  # a number or ±inf, never NaN
    FINITE = 2  # a finite number: what a step that refuses infinity passes on
    FLOAT32 = 3  # finite and within float32's range: the constants a lookup yields


@dataclass(frozen=True)
class Column:
    """One column of an intermediate result: a name hint and the expression computing it.

    ``numeric`` says the expression is already DOUBLE, so no cast is needed to use it.
    ``name`` names the input a refused row is blamed on (``compile_sql(null_reason=True)``).
    """

    name: str
    expr: exp.Expression
    numeric: bool = False
    domain: Domain = Domain.FINITE


def not_nan(node: exp.Expression) -> exp.Expression:
    """``node`` with NaN as NULL: scikit-learn reads NaN as a missing value."""
    return exp.Case(ifs=[exp.If(this=exp.IsNan(this=node.copy()), true=exp.Null())], default=node)


def as_double(column: Column) -> exp.Expression:
    """The column as a DOUBLE, NaN turned into NULL when it may hold one."""
    value = column.expr.copy()
    if not column.numeric:
        value = exp.Cast(this=value, to=DOUBLE.copy())
    return not_nan(value) if column.domain == Domain.NAN else value


def to_double(column: Column) -> Column:
    """:func:`as_double` as a column: infinite where the input may be, never NaN."""
    return Column(
        column.name, as_double(column), numeric=True, domain=max(column.domain, Domain.INFINITE)
    )


def copied(column: Column) -> Column:
    """The same column with its own copy of the expression (a stage owns what it is given)."""
    return replace(column, expr=column.expr.copy())


def paren(node: exp.Expression) -> exp.Expression:
    if isinstance(node, (exp.Column, exp.Literal, exp.Paren, exp.Cast, exp.Case, exp.Func)):
        return node
    return exp.Paren(this=node)


def add(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Add(this=a, expression=paren(b))


def sub(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Sub(this=paren(a), expression=paren(b))


def mul(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Mul(this=paren(a), expression=paren(b))


def div(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Div(this=paren(a), expression=paren(b))


def left_sum(terms: Sequence[exp.Expression]) -> exp.Expression:
    """((t0 + t1) + t2) + ...: the order numpy's running sums use, so results match bitwise."""
    if not terms:
        return double(0.0)
    total = terms[0]
    for term in terms[1:]:
        total = add(total, term)
    return total


def is_null(node: exp.Expression) -> exp.Expression:
    return exp.Is(this=paren(node.copy()), expression=exp.Null())


def any_of(conditions: Sequence[exp.Expression]) -> exp.Expression:
    """c0 OR (c1) OR ...; a condition that is itself AND or OR parenthesised."""

    def grouped(node: exp.Expression) -> exp.Expression:
        return exp.Paren(this=node) if isinstance(node, exp.Connector) else node

    result = grouped(conditions[0])
    for condition in conditions[1:]:
        result = exp.Or(this=result, expression=exp.Paren(this=condition))
    return result


def case(
    whens: Sequence[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None
) -> exp.Expression:
    ifs = [exp.If(this=cond, true=then) for cond, then in whens]
    return exp.Case(ifs=ifs, default=default)


def null_if_any_null(node: exp.Expression, inputs: Sequence[exp.Expression]) -> exp.Expression:
    """``node``, or NULL when any of ``inputs`` is NULL."""
    if not inputs:
        return node
    condition: exp.Expression = is_null(inputs[0])
    for item in inputs[1:]:
        condition = exp.Or(this=condition, expression=is_null(item))
    return case([(condition, exp.Null())], node)
