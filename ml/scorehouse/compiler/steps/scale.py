"""Scalers, with scikit-learn's own order of operations so results match bit for bit.

A NULL stays NULL, as scikit-learn keeps NaN through every scaler; ±inf is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, add, as_double, case, div, mul, sub
from scorehouse.compiler.context import Context

Step = Callable[[exp.Expression, float], exp.Expression]


def _apply(
    ctx: Context, inputs: Sequence[Column], steps: Sequence[tuple[Step, np.ndarray | None]]
) -> list[Column]:
    """Per column j: x, then each ``step(x, parameter[j])`` in order (None skips a step)."""
    out = []
    for j, column in enumerate(inputs):
        ctx.refuse_infinite(column)  # check_array(ensure_all_finite="allow-nan")
        x = as_double(column)
        for step, parameters in steps:
            if parameters is not None:
                x = step(x, float(parameters[j]))
        out.append(Column(column.name, x, numeric=True))
    return out


def _minus(x: exp.Expression, v: float) -> exp.Expression:
    return sub(x, literals.double(v))


def _over(x: exp.Expression, v: float) -> exp.Expression:
    return div(x, literals.double(v))


def _times(x: exp.Expression, v: float) -> exp.Expression:
    return mul(x, literals.double(v))


def _plus(x: exp.Expression, v: float) -> exp.Expression:
    return add(x, literals.double(v))


def _clip(columns: list[Column], low: float, high: float) -> list[Column]:
    """np.clip: values beyond a bound become the bound; NULL falls through unchanged."""
    out = []
    for c in columns:
        lo, hi = literals.double(float(low)), literals.double(float(high))
        whens: list[tuple[exp.Expression, exp.Expression]] = [
            (exp.LT(this=c.expr.copy(), expression=lo.copy()), lo),
            (exp.GT(this=c.expr.copy(), expression=hi.copy()), hi),
        ]
        out.append(Column(c.name, case(whens, c.expr.copy()), numeric=True))
    return out


def standard_scaler(scaler: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """X -= mean_; X /= scale_."""
    mean = scaler.mean_ if scaler.with_mean else None
    scale = scaler.scale_ if scaler.with_std else None
    return _apply(ctx, inputs, [(_minus, mean), (_over, scale)])


def robust_scaler(scaler: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """X -= center_; X /= scale_."""
    center = scaler.center_ if scaler.with_centering else None
    scale = scaler.scale_ if scaler.with_scaling else None
    return _apply(ctx, inputs, [(_minus, center), (_over, scale)])


def min_max_scaler(scaler: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """X *= scale_; X += min_; then clipped to feature_range with ``clip``."""
    out = _apply(ctx, inputs, [(_times, scaler.scale_), (_plus, scaler.min_)])
    if scaler.clip:
        out = _clip(out, *scaler.feature_range)
    return out


def max_abs_scaler(scaler: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """X /= scale_; then clipped to [-1, 1] with ``clip``."""
    out = _apply(ctx, inputs, [(_over, scaler.scale_)])
    if getattr(scaler, "clip", False):
        out = _clip(out, -1.0, 1.0)
    return out
