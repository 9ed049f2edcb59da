"""KBinsDiscretizer and Binarizer. Both refuse NaN and ±inf in scikit-learn: refused rows."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, Domain, as_double, case, is_null
from scorehouse.compiler.context import Context
from scorehouse.errors import UnsupportedEstimatorError

BOUNDED = Domain.FLOAT32  # bin numbers, 0 and 1


def _refuse(ctx: Context, column: Column) -> None:
    """check_array's defaults: NaN and ±inf are refused."""
    ctx.refuse_missing(column)
    ctx.refuse_infinite(column)


def _lt(x: exp.Expression, edge: float) -> exp.Expression:
    return exp.LT(this=x.copy(), expression=literals.double(float(edge)))


def _gte(x: exp.Expression, edge: float) -> exp.Expression:
    return exp.GTE(this=x.copy(), expression=literals.double(float(edge)))


def _last(x: exp.Expression, inner: np.ndarray) -> exp.Expression:
    """The condition for the last bin once the earlier ones failed; false for NULL."""
    if len(inner):
        return _gte(x, inner[-1])
    return exp.Not(this=is_null(x))


def _bin_index(x: exp.Expression, inner: np.ndarray) -> exp.Expression:
    """np.searchsorted(inner, x, side="right"): how many inner edges are <= x.

    ``x < e_k`` picks bin k; the last bin needs ``x >= e_last``, so a NULL matches no
    branch and the CASE yields NULL.
    """
    whens = [(_lt(x, e), literals.double(float(k))) for k, e in enumerate(inner)]
    whens.append((_last(x, inner), literals.double(float(len(inner)))))
    return case(whens, None)


def _in_bin(x: exp.Expression, inner: np.ndarray, k: int) -> exp.Expression:
    """1.0 when searchsorted puts x in bin k, else 0.0; NULL for NULL."""
    one, zero = literals.double(1.0), literals.double(0.0)
    whens = []
    if k > 0:  # below the bin's lower edge
        whens.append((_lt(x, inner[k - 1]), zero))
    if k < len(inner):  # below its upper edge, so inside; else above it
        whens += [(_lt(x, inner[k]), one), (_gte(x, inner[k]), zero)]
    else:
        whens.append((_last(x, inner), one))
    return case(whens, None)


def kbins_discretizer(est: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    if est.dtype not in (None, np.float64):
        raise UnsupportedEstimatorError(
            f"KBinsDiscretizer(dtype={np.dtype(est.dtype).name}): scorehouse compiles "
            "float64 binning (dtype=None or np.float64)"
        )
    out = []
    for column, edges in zip(inputs, est.bin_edges_, strict=True):
        x = as_double(column)
        _refuse(ctx, column)
        inner = np.asarray(edges, dtype=np.float64)[1:-1]
        if est.encode == "ordinal":
            out.append(Column(column.name, _bin_index(x, inner), numeric=True, domain=BOUNDED))
            continue
        for k in range(len(inner) + 1):
            out.append(
                Column(f"{column.name}_{k}", _in_bin(x, inner, k), numeric=True, domain=BOUNDED)
            )
    return out


def binarizer(est: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """x > threshold → 1.0, else 0.0."""
    out = []
    for column in inputs:
        x = as_double(column)
        _refuse(ctx, column)
        t = literals.double(float(est.threshold))
        whens: list[tuple[exp.Expression, exp.Expression]] = [
            (exp.GT(this=x.copy(), expression=t.copy()), literals.double(1.0)),
            (exp.LTE(this=x.copy(), expression=t), literals.double(0.0)),
        ]
        out.append(Column(column.name, case(whens, None), numeric=True, domain=BOUNDED))
    return out
