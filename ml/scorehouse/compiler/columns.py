"""The columns that flow between compilation steps, and arithmetic helpers over them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from scorehouse.compiler.literals import DOUBLE, double

# DuckDB and SQLite refuse expressions nested much deeper than 1000; a left-deep sum adds a
# level per term, so long sums are split across stages (see QueryBuilder.sum_in_order).
MAX_TERMS_PER_SUM = 100


@dataclass(frozen=True)
class Column:
    """One column of an intermediate result: a name hint and the expression computing it.

    ``numeric`` says the expression is already DOUBLE, so no cast is needed to use it.
    """

    name: str
    expr: exp.Expression
    numeric: bool = False


def as_double(column: Column) -> exp.Expression:
    if column.numeric:
        return column.expr.copy()
    return exp.Cast(this=column.expr.copy(), to=DOUBLE.copy())


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
