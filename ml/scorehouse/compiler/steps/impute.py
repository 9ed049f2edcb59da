"""SimpleImputer: COALESCE with the fitted statistic, plus the missing-value indicators.

SQL's NULL plays the part of the imputer's ``missing_values`` (NaN, None or pandas.NA); a
NaN in a numeric column is read as NULL first (``columns.as_double``), so both are imputed
and flagged alike. On numbers the imputer refuses ±inf (check_array's
``ensure_all_finite="allow-nan"``). Note that scikit-learn, imputing NaN in a column of
Python objects, leaves a None alone; SQL cannot tell the two apart and imputes every NULL.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, Domain, as_double, case, is_null
from scorehouse.compiler.context import Context
from scorehouse.compiler.steps.categories import is_missing
from scorehouse.errors import UnsupportedEstimatorError


def _check_missing_values(imputer: Any) -> None:
    marker = imputer.missing_values
    if is_missing(marker):
        return
    raise UnsupportedEstimatorError(
        f"{type(imputer).__name__}(missing_values={marker!r}): scorehouse compiles imputers "
        "whose missing_values is np.nan or None (a NULL in SQL)"
    )


def _is_number(statistic: Any) -> bool:
    return isinstance(statistic, Real) and not isinstance(statistic, (bool, np.bool_))


def _numeric(imputer: Any) -> bool:
    """Whether the imputer works on numbers (and checks them for infinity), not objects.

    The dtype it was fitted on says so (``statistics_`` is an object array when a constant
    fills a numeric frame with an empty column)."""
    dtype = getattr(imputer, "_fit_dtype", None)
    if dtype is None:
        dtype = np.asarray(imputer.statistics_).dtype
    return np.dtype(dtype).kind in "fiu"


def _value(column: Column, numeric: bool) -> exp.Expression:
    """What the imputer tests for missing: the number (NaN read as NULL), or the text."""
    return as_double(column) if numeric else column.expr.copy()


def _fill(imputer: Any, column: Column, statistic: Any) -> Column:
    """COALESCE(x, statistic), compared as text for a string statistic, else as DOUBLE."""
    if is_missing(statistic):  # an empty feature kept by keep_empty_features stays missing
        return column
    fill: exp.Expression
    if isinstance(statistic, str):
        x, fill, numeric = column.expr.copy(), exp.Literal.string(statistic), False
    elif _is_number(statistic):
        x, fill, numeric = as_double(column), literals.double(float(statistic)), True
    else:
        raise UnsupportedEstimatorError(
            f"{type(imputer).__name__} fills column {column.name!r} with {statistic!r}: "
            "scorehouse compiles fill values that are strings or numbers"
        )
    return Column(column.name, exp.Coalesce(this=x, expressions=[fill]), numeric=numeric)


def indicator(column: Column, numeric: bool) -> Column:
    flag = case([(is_null(_value(column, numeric)), literals.double(1.0))], literals.double(0.0))
    return Column(f"{column.name}_missing", flag, numeric=True, domain=Domain.FLOAT32)


def simple_imputer(imputer: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """Imputed columns (less those empty at fit, unless kept), then the indicators."""
    _check_missing_values(imputer)
    numeric = _numeric(imputer)
    if numeric:
        for column in inputs:
            ctx.refuse_infinite(column)
    out = []
    for column, statistic in zip(inputs, imputer.statistics_, strict=True):
        if is_missing(statistic) and not imputer.keep_empty_features:
            continue  # scikit-learn drops a feature it saw no value of
        out.append(_fill(imputer, column, statistic))
    if imputer.add_indicator:
        out += [
            indicator(inputs[int(j)], numeric or _is_number(imputer.statistics_[int(j)]))
            for j in imputer.indicator_.features_
        ]
    return out
