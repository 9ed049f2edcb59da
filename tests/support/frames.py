"""How the test harnesses type a pandas frame's columns when they load it into an engine."""

from __future__ import annotations

import pandas as pd


def column_type(series: pd.Series) -> str:
    """The column's SQL type: ``boolean``, ``bigint``, ``double`` (floats, loaded exactly)
    or ``string`` (everything else); each engine spells them its own way."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"
