"""Uplift models (``scorehouse.estimators``): one ``uplift`` column.

Each inner classifier (or pipeline) is compiled through ``ctx`` like any model, and its
``score`` (the probability of class 1) is staged; then, as ``predict`` computes it:

- TwoModelUplift: ``score_treatment - score_control``;
- ClassTransformationUplift: ``2·score - 1``.

Both are exact in floating point: the same operations on the same doubles.
"""

from __future__ import annotations

from typing import Any

from scorehouse.compiler import heads, literals
from scorehouse.compiler.columns import Column, copied, mul, sub
from scorehouse.compiler.context import Context, Prediction
from scorehouse.compiler.pipeline import translate_estimator
from scorehouse.errors import UnsupportedEstimatorError


def two_model_uplift(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    # both classifiers read the same inputs: stage them once and carry them past the
    # treatment model's stages, to where the control model reads them
    inputs = ctx.stage(inputs, "uplift_input")
    for column in inputs:
        ctx.query.carry(column)
    treated = _score(ctx, model.estimator_treatment_, inputs, "treatment")
    control = _score(ctx, model.estimator_control_, inputs, "control")
    return heads.uplift(Column("uplift", sub(treated.expr, control.expr), numeric=True))


def class_transformation_uplift(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    score = _score(ctx, model.estimator_, inputs, "transformed")
    doubled = mul(literals.double(2.0), score.expr)
    return heads.uplift(Column("uplift", sub(doubled, literals.double(1.0)), numeric=True))


# The classifiers inside stage and guard their own inputs (see dispatch.translate_model).
for _translator in (two_model_uplift, class_transformation_uplift):
    _translator.nested = True  # type: ignore[attr-defined]


def _score(ctx: Context, estimator: Any, inputs: list[Column], role: str) -> Column:
    """The staged probability of class 1 of a binary classifier inside an uplift model."""
    classes = list(getattr(estimator, "classes_", []))
    if classes != [0, 1]:
        raise UnsupportedEstimatorError(
            f"{type(estimator).__name__} inside an uplift model ({role}): classes {classes}, "
            "expected 0 and 1"
        )
    # a stage owns the expressions it is given: each model gets its own references
    own = [copied(c) for c in inputs]
    prediction = translate_estimator(ctx, estimator, own)
    outputs = dict(prediction.finish(ctx, ctx.stage(prediction.values, f"{role}_raw")))
    (score,) = ctx.stage([Column(f"score_{role}", outputs["score"], numeric=True)], role)
    ctx.query.carry(score)
    return score
