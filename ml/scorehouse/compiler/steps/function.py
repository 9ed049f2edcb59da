"""FunctionTransformer: the identity, np.log1p, and HistGradientBoosting's check_array."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from sklearn.utils.validation import check_array
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, add, as_double, case, is_null
from scorehouse.compiler.context import Context
from scorehouse.errors import UnsupportedEstimatorError

SUPPORTED = "func=None, np.log1p, or functools.partial(check_array, dtype=float64)"


def _is_float64_check(func: Any) -> bool:
    """partial(check_array, dtype=[float64], ...): what HistGradientBoosting applies to
    its numeric columns. It only converts to float64."""
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


def _log1p(column: Column) -> Column:
    """LN(1 + x); NULL where np.log1p gives NaN or -inf (x <= -1), as no engine logs 0."""
    x = as_double(column)
    defined = exp.GT(this=x.copy(), expression=literals.double(-1.0))
    value = exp.Ln(this=add(literals.double(1.0), x))
    return Column(column.name, case([(defined, value)], None), numeric=True)


def function_transformer(est: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    func = est.func
    if est.kw_args:
        raise UnsupportedEstimatorError(
            f"FunctionTransformer(func={_name(func)}, kw_args={est.kw_args!r}): scorehouse "
            f"compiles {SUPPORTED} without kw_args"
        )
    if est.validate:  # check_array refuses NaN before func runs
        for c in inputs:
            ctx.refuse(is_null(as_double(c)))
    if func is None:
        if est.validate:  # check_array converts to a number
            return [Column(c.name, as_double(c), numeric=True) for c in inputs]
        return list(inputs)
    if func is np.log1p:
        for c in inputs:
            # log1p(-1) is -inf, which every estimator after this step refuses
            ctx.refuse(exp.EQ(this=as_double(c), expression=literals.double(-1.0)))
        return [_log1p(c) for c in inputs]
    if _is_float64_check(func):
        return [Column(c.name, as_double(c), numeric=True) for c in inputs]
    raise UnsupportedEstimatorError(
        f"FunctionTransformer(func={_name(func)}): scorehouse compiles {SUPPORTED}"
    )
