"""Route each estimator to its translator, and handle what every model shares.

A model's inputs are staged once, as DOUBLE (a source column's NaN read as NULL, see
``columns.py``), with the rows the model refuses: a missing value unless the model takes
them, and an infinite one unless it takes those. A translator says which it takes:

- ``finite_inputs = "float32"``: scikit-learn's trees, forests and gradient boosting cast
  their input to float32 and refuse a row where that gives an infinity;
- ``finite_inputs = None``: HistGradientBoosting bins ±inf like any large value;
- otherwise (linear models) check_array refuses ±inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from scorehouse.compiler.columns import Column, case, to_double
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
    # A translator marked null_safe yields NULL for a NULL input by itself (arithmetic);
    # with null_reason the refusal is stated all the same, to name the missing input.
    null_safe = getattr(translator, "null_safe", False) and not ctx.null_reason
    allow_nan = estimator.__sklearn_tags__().input_tags.allow_nan or null_safe
    finite = getattr(translator, "finite_inputs", "float64")
    raw = getattr(translator, "raw_inputs", None)
    if raw is not None and raw(estimator):
        staged = list(inputs)  # it reads them through its own preprocessing
    else:
        staged = [to_double(c) for c in inputs]
        for column in inputs:
            if not allow_nan:
                ctx.refuse_missing(column)
            if finite is not None:
                ctx.refuse_infinite(column, float32=finite == "float32", nan_refused=not allow_nan)
    refs = ctx.stage(staged, "features")
    prediction = translator(estimator, refs, ctx)
    assert not ctx._pending, "refusals stated after the model's last stage"
    # Where scikit-learn would refuse the row (a value this model rejects, or one an
    # earlier step rejects), the SQL yields NULL rather than a number.
    if ctx.refused is not None:
        refused = ctx.refused.expr
        prediction.values = [
            Column(v.name, case([(refused.copy(), exp.Null())], v.expr), numeric=True)
            for v in prediction.values
        ]
    return prediction
