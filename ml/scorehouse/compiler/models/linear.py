"""Linear models: intercept + Σ coef·x, then the model's link."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlglot import exp

from scorehouse.compiler import heads, literals
from scorehouse.compiler.columns import Column, add, case, div, left_sum, mul
from scorehouse.compiler.context import Context, Prediction
from scorehouse.errors import UnsupportedEstimatorError


def _linear(coef: np.ndarray, intercept: float, inputs: list[Column], name: str) -> Column:
    """Σ coef·x + intercept, in the order X @ coef.T + intercept adds them.

    Zero weights stay in: a NULL input must give NULL, as numpy's NaN would.
    """
    terms = [mul(c.expr, literals.double(w)) for c, w in zip(inputs, coef, strict=True)]
    return Column(name, add(left_sum(terms), literals.double(intercept)), numeric=True)


def _decisions(model: Any, inputs: list[Column]) -> list[Column]:
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    intercept = np.broadcast_to(
        np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64)), (coef.shape[0],)
    )
    return [
        _linear(coef[k], float(intercept[k]), inputs, f"decision_{k}") for k in range(coef.shape[0])
    ]


def regressor(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    coef = np.asarray(model.coef_, dtype=np.float64)
    if coef.ndim != 1:
        raise UnsupportedEstimatorError(
            f"{type(model).__name__} with several targets: "
            "scorehouse compiles one prediction column"
        )
    return heads.regression(_decisions(model, inputs)[0])


def logistic_regression(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    decisions = _decisions(model, inputs)
    if len(model.classes_) == 2:
        prediction = heads.binary_decision(decisions[0], model.classes_, strict=True)
    else:
        prediction = heads.multiclass_decision(decisions, model.classes_)
    return prediction


def sgd_classifier(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    if model.loss != "log_loss":
        raise UnsupportedEstimatorError(
            f"SGDClassifier(loss={model.loss!r}) has no probabilities; "
            "scorehouse compiles loss='log_loss'"
        )
    decisions = _decisions(model, inputs)
    if len(model.classes_) == 2:
        prediction = heads.binary_decision(decisions[0], model.classes_, strict=True)
    else:
        prediction = heads.multiclass_decision(
            decisions, model.classes_, _one_vs_rest_probabilities
        )
    return prediction


def _one_vs_rest_probabilities(ctx: Context, decisions: list[Column]) -> list[Column]:
    """expit of each decision, normalised to sum 1 (uniform when all are 0), as sklearn does."""
    staged = ctx.query.stage(
        [Column(f"ovr_{k}", heads.expit(d.expr), numeric=True) for k, d in enumerate(decisions)]
        + list(decisions),
        "ovr",
    )
    probs, z_refs = staged[: len(decisions)], staged[len(decisions) :]
    total = left_sum([p.expr for p in probs])
    k = float(len(probs))
    out = []
    for i, p in enumerate(probs):
        uniform = div(literals.double(1.0), literals.double(k))
        normalised = div(p.expr, total.copy())
        zero = exp.EQ(this=total.copy(), expression=literals.double(0.0))
        out.append(Column(f"p_{i}", case([(zero, uniform)], normalised), numeric=True))
    return out + list(z_refs)


# A NULL input makes the weighted sum NULL, as NaN makes numpy's: no explicit guard needed.
for _translator in (regressor, logistic_regression, sgd_classifier):
    _translator.null_safe = True  # type: ignore[attr-defined]
