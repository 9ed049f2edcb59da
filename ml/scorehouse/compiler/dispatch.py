"""Route each estimator to its translator, and handle what every model shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from scorehouse.compiler.columns import Column, as_double, case, is_null
from scorehouse.compiler.context import Context, Prediction
from scorehouse.compiler.registry import MODELS, TRANSFORMERS, unsupported


def translate_transformer(ctx: Context, estimator: Any, inputs: Sequence[Column]) -> list[Column]:
    translator = TRANSFORMERS.get(type(estimator))
    if translator is None:
        raise unsupported(estimator)
    return translator(estimator, list(inputs), ctx)


def translate_model(ctx: Context, estimator: Any, inputs: Sequence[Column]) -> Prediction:
    """Compile a predictor. Its inputs are staged as DOUBLE columns first, once."""
    translator = MODELS.get(type(estimator))
    if translator is None:
        raise unsupported(estimator)
    if getattr(translator, "nested", False):
        # A meta-estimator: the estimators inside it are compiled through ctx, and each
        # stages and guards its own inputs, so they get them as they are.
        return translator(estimator, list(inputs), ctx)
    # a translator marked null_safe yields NULL for a NULL input by itself (arithmetic)
    allow_nan = estimator.__sklearn_tags__().input_tags.allow_nan or getattr(
        translator, "null_safe", False
    )
    raw = getattr(translator, "raw_inputs", False)
    staged = [c if raw else Column(c.name, as_double(c), numeric=True) for c in inputs]
    valid: Column | None = None
    if not allow_nan:
        condition: exp.Expression = exp.Not(this=exp.Paren(this=_any_null(staged)))
        staged.append(Column("inputs_complete", condition))
    refs = ctx.stage(staged, "features")
    if not allow_nan:
        valid = refs.pop()
        ctx.query.carry(valid)
    prediction = translator(estimator, refs, ctx)
    # Where scikit-learn would refuse the row (a missing value this model rejects, or a
    # value an earlier step rejects), the SQL yields NULL rather than a number.
    whens: list[tuple[exp.Expression, exp.Expression]] = []
    if ctx.refused is not None:
        whens.append((ctx.refused.expr.copy(), exp.Null()))
    if valid is not None:
        whens.append((exp.Not(this=exp.Paren(this=valid.expr.copy())), exp.Null()))
    if whens:
        prediction.values = [
            Column(v.name, case([(c.copy(), n.copy()) for c, n in whens], v.expr), numeric=True)
            for v in prediction.values
        ]
    return prediction


def _any_null(columns: Sequence[Column]) -> exp.Expression:
    condition: exp.Expression = is_null(columns[0].expr)
    for c in columns[1:]:
        condition = exp.Or(this=condition, expression=is_null(c.expr))
    return condition
