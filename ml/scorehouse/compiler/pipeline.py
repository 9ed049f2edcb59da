"""Pipelines: each transformer's output is staged, then the final estimator predicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.pipeline import Pipeline

from scorehouse.compiler.columns import Column
from scorehouse.compiler.context import Context, Prediction
from scorehouse.errors import UnsupportedEstimatorError


def transform_steps(
    ctx: Context, steps: Sequence[Any], inputs: Sequence[Column], *, stage: bool = True
) -> list[Column]:
    """Apply transformers in order. With ``stage``, each step's output becomes a CTE.

    Inside a ColumnTransformer branch nothing is staged: a stage passes on only its own
    columns, and the sibling branches still need theirs, so the branch composes inline.
    """
    columns = list(inputs)
    for step in steps:
        if step is None or step == "passthrough":
            continue
        columns = ctx.translate_transformer(step, columns)
        if stage:
            columns = ctx.stage(columns, "step")
    return columns


def translate_estimator(ctx: Context, estimator: Any, inputs: Sequence[Column]) -> Prediction:
    if isinstance(estimator, Pipeline) and type(estimator) is Pipeline:
        steps = [step for _, step in estimator.steps]
        final = steps[-1]
        if final is None or final == "passthrough":
            raise UnsupportedEstimatorError("the pipeline ends without a predictor")
        return ctx.translate_model(final, transform_steps(ctx, steps[:-1], inputs))
    return ctx.translate_model(estimator, inputs)


def translate_pipeline_transformer(
    pipeline: Pipeline, inputs: list[Column], ctx: Context
) -> list[Column]:
    """A Pipeline used as a transformer (e.g. inside a ColumnTransformer)."""
    steps = [step for _, step in pipeline.steps]
    return transform_steps(ctx, steps, inputs, stage=False)
