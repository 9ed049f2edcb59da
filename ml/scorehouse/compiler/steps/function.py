"""FunctionTransformer: the identity, np.log1p, and HistGradientBoosting's check_array.

Without ``validate`` the function sees NaN and ±inf as they are: the identity passes them
on, np.log1p maps +inf to +inf, -1 to -inf and what is below -1 to NaN (a missing value to
the next step). Whether an infinity is refused is up to the step that receives it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
from sklearn.utils.validation import check_array
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, Domain, add, as_double, case, to_double
from scorehouse.compiler.context import Context
from scorehouse.errors import UnsupportedEstimatorError

SUPPORTED = "func=None, np.log1p, or functools.partial(check_array, dtype=float64)"


def _check_array_refuses(func: Any) -> tuple[bool, bool]:
    """(NaN, ±inf): what ``partial(check_array, ...)`` refuses, by its ensure_all_finite."""
    finite = func.keywords.get("ensure_all_finite", True)
    return finite is True, finite in (True, "allow-nan")


def _is_float64_check(func: Any) -> bool:
    """partial(check_array, dtype=[float64], ...): what HistGradientBoosting applies to
    its numeric columns. It converts to float64, refusing what its ensure_all_finite says
    (HistGradientBoosting's says nothing: ``ensure_all_finite=False``)."""
    if not (isinstance(func, partial) and func.func is check_array and not func.args):
        return False
    keywords = dict(func.keywords)
    dtype = keywords.pop("dtype", None)
    dtypes = dtype if isinstance(dtype, (list, tuple)) else [dtype]
    floats = len(dtypes) == 1 and dtypes[0] is not None and np.dtype(dtypes[0]) == np.float64
    return floats and set(keywords) <= {"ensure_all_finite"}


def _name(func: Any) -> str:
    if isinstance(func, partial):
        return f"partial({_name(func.func)}, ...)"
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)


def _log1p(column: Column, ctx: Context) -> Column:
    """LN(1 + x) where x > -1; -inf at -1 (no engine takes the log of 0); NULL where
    np.log1p gives NaN (x < -1, and -inf)."""
    x = as_double(column)
    minus_one = literals.double(-1.0)
    # a later step refusing the NaN or -inf refuses it for this value
    ctx.explain(
        column.name,
        exp.LTE(this=x.copy(), expression=minus_one.copy()),
        f"invalid value in {column.name}",
    )
    whens = [
        (
            exp.GT(this=x.copy(), expression=minus_one.copy()),
            exp.Ln(this=add(literals.double(1.0), x.copy())),
        ),
        (exp.EQ(this=x, expression=minus_one), literals.special(-math.inf)),
    ]
    return Column(column.name, case(whens, None), numeric=True, domain=Domain.INFINITE)


def _checked(ctx: Context, inputs: list[Column], nan: bool, infinite: bool) -> list[Column]:
    """check_array's conversion to float64, refusing what it refuses."""
    out = []
    for column in inputs:
        value = to_double(column)
        if nan:
            ctx.refuse_missing(column)
        if infinite:
            ctx.refuse_infinite(column)
            value = replace(value, domain=max(value.domain, Domain.FINITE))
        out.append(value)
    return out


def function_transformer(est: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    func = est.func
    if est.kw_args:
        raise UnsupportedEstimatorError(
            f"FunctionTransformer(func={_name(func)}, kw_args={est.kw_args!r}): scorehouse "
            f"compiles {SUPPORTED} without kw_args"
        )
    if est.validate:  # check_array converts to numbers, refusing NaN and ±inf, first
        inputs = _checked(ctx, inputs, nan=True, infinite=True)
    if func is None:
        return list(inputs)
    if func is np.log1p:
        return [_log1p(c, ctx) for c in inputs]
    if _is_float64_check(func):
        nan, infinite = _check_array_refuses(func)
        return _checked(ctx, inputs, nan=nan, infinite=infinite)
    raise UnsupportedEstimatorError(
        f"FunctionTransformer(func={_name(func)}): scorehouse compiles {SUPPORTED}"
    )
