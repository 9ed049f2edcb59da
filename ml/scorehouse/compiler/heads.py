"""Output columns of a model: score/label, proba_<class>/label, or prediction.

The label follows the rule scikit-learn's ``predict`` applies, on the same values, so ties
resolve the same way (numpy's argmax takes the first maximum).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, add, case, div, is_null, left_sum, sub
from scorehouse.compiler.context import Context, Outputs, Prediction

# exp() overflows (DuckDB) or raises (PostgreSQL) beyond about ±709; expit and softmax
# are flat to double precision long before that.
EXP_LIMIT = 700.0


def _clamp(node: exp.Expression, low: float | None, high: float | None) -> exp.Expression:
    whens = []
    if low is not None:
        whens.append(
            (exp.LT(this=node.copy(), expression=literals.double(low)), literals.double(low))
        )
    if high is not None:
        whens.append(
            (exp.GT(this=node.copy(), expression=literals.double(high)), literals.double(high))
        )
    return case(whens, node.copy())


def expit(z: exp.Expression) -> exp.Expression:
    """1 / (1 + exp(-z)), as scipy.special.expit computes it."""
    clamped = _clamp(z, -EXP_LIMIT, EXP_LIMIT)
    return div(literals.double(1.0), add(literals.double(1.0), exp.Exp(this=exp.Neg(this=clamped))))


def first_argmax(values: Sequence[exp.Expression], classes: Sequence[object]) -> exp.Expression:
    """The class of the first largest value; NULL when the values are NULL."""
    whens: list[tuple[exp.Expression, exp.Expression]] = [(is_null(values[0]), exp.Null())]
    for i in range(len(values) - 1):
        # Reaching branch i means no earlier value was a maximum, so every earlier value is
        # below some other one; value i wins if it is not below any later value.
        conds = [
            exp.GTE(this=values[i].copy(), expression=values[j].copy())
            for j in range(i + 1, len(values))
        ]
        condition = conds[0]
        for c in conds[1:]:
            condition = exp.And(this=condition, expression=c)
        whens.append((condition, literals.value(classes[i])))
    return case(whens, literals.value(classes[-1]))


def _threshold_label(z: exp.Expression, classes: Sequence[object], strict: bool) -> exp.Expression:
    compare = exp.GT if strict else exp.GTE
    return case(
        [
            (is_null(z), exp.Null()),
            (compare(this=z.copy(), expression=literals.double(0.0)), literals.value(classes[1])),
        ],
        literals.value(classes[0]),
    )


def proba_name(cls: object) -> str:
    return f"proba_{cls}"


def regression(values: Column) -> Prediction:
    return Prediction(
        task="regression",
        values=[values],
        finish=lambda ctx, refs: [("prediction", refs[0].expr)],
        response=lambda refs: [refs[0].expr],
    )


def uplift(values: Column) -> Prediction:
    """An uplift model: P(y | treated) - P(y | control), in one ``uplift`` column."""
    return Prediction(
        task="uplift", values=[values], finish=lambda ctx, refs: [("uplift", refs[0].expr)]
    )


def binary_decision(decision: Column, classes: np.ndarray, *, strict: bool = True) -> Prediction:
    """A binary classifier whose probability is expit(decision); label: decision > 0 (or >=)."""

    def finish(ctx: Context, refs: list[Column]) -> Outputs:
        z = refs[0].expr
        return [("score", expit(z)), ("label", _threshold_label(z, classes, strict))]

    return Prediction(
        task="binary", values=[decision], finish=finish, response=lambda refs: [refs[0].expr]
    )


def class_probabilities(proba: list[Column], classes: np.ndarray) -> Prediction:
    """A classifier that yields its class probabilities directly; label = first argmax."""

    def finish(ctx: Context, refs: list[Column]) -> Outputs:
        values = [r.expr for r in refs]
        label = first_argmax(values, list(classes))
        if len(classes) == 2:
            return [("score", values[1]), ("label", label)]
        return [(proba_name(c), v) for c, v in zip(classes, values, strict=True)] + [
            ("label", label)
        ]

    return Prediction(
        task="binary" if len(classes) == 2 else "multiclass",
        values=proba,
        finish=finish,
        response=lambda refs: (
            [r.expr for r in refs[1:]] if len(classes) == 2 else [r.expr for r in refs]
        ),
    )


def softmax_columns(ctx: Context, decisions: list[Column]) -> list[Column]:
    """Stages exp(z_k - max z) and returns the normalised probabilities, like sklearn's softmax."""
    values = [d.expr for d in decisions]
    top = values[0].copy()
    for v in values[1:]:
        top = case([(exp.GTE(this=top.copy(), expression=v.copy()), top.copy())], v.copy())
    top_ref = ctx.query.stage([Column("max", top, numeric=True), *decisions], "softmax_max")
    m, zs = top_ref[0].expr, top_ref[1:]
    exps = [
        Column(f"exp_{k}", exp.Exp(this=_clamp(sub(z.expr, m), -EXP_LIMIT, None)), numeric=True)
        for k, z in enumerate(zs)
    ]
    e_refs = ctx.query.stage(exps + list(zs), "softmax_exp")
    e, z_refs = e_refs[: len(exps)], e_refs[len(exps) :]
    total = left_sum([x.expr for x in e])
    return [
        Column(f"p_{k}", div(x.expr, total.copy()), numeric=True) for k, x in enumerate(e)
    ] + z_refs


def multiclass_decision(
    decisions: list[Column],
    classes: np.ndarray,
    probabilities: Callable[[Context, list[Column]], list[Column]] = softmax_columns,
) -> Prediction:
    """A multiclass model with one decision per class: label = first argmax of decisions."""

    def finish(ctx: Context, refs: list[Column]) -> Outputs:
        mixed = probabilities(ctx, refs)
        proba, z_refs = mixed[: len(classes)], mixed[len(classes) :]
        label = first_argmax([z.expr for z in z_refs], list(classes))
        return [(proba_name(c), p.expr) for c, p in zip(classes, proba, strict=True)] + [
            ("label", label)
        ]

    return Prediction(
        task="multiclass",
        values=decisions,
        finish=finish,
        response=lambda refs: [r.expr for r in refs],
    )
