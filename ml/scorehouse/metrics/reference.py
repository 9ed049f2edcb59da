"""Binned reference distributions of features and score, kept for drift monitoring.

Numeric columns get quantile bins: bin ``b`` holds ``lower < x <= upper`` (the first bin
is open below, the last open above), so the same bins can be counted again in SQL.
Categorical columns get one row per category. A NULL row records the missing share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

QUANTILES = np.linspace(0.1, 0.9, 9)
SCORE_COLUMN = "__score__"


@dataclass(frozen=True)
class Bin:
    column: str
    kind: str  # numeric | categorical | score
    bin: int
    lower: float | None
    upper: float | None
    category: str | None
    is_null: bool
    share: float


def numeric_bins(column: str, values: pd.Series, kind: str = "numeric") -> list[Bin]:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    present = x[~np.isnan(x)]
    n = len(x)
    out: list[Bin] = []
    edges = np.unique(np.quantile(present, QUANTILES)) if len(present) else np.array([])
    lowers = [None, *edges.tolist()]
    uppers = [*edges.tolist(), None]
    for b, (lo, hi) in enumerate(zip(lowers, uppers, strict=True), start=1):
        inside = np.ones(len(present), dtype=bool)
        if lo is not None:
            inside &= present > lo
        if hi is not None:
            inside &= present <= hi
        out.append(Bin(column, kind, b, lo, hi, None, False, float(inside.sum() / n) if n else 0.0))
    out.append(
        Bin(column, kind, 0, None, None, None, True, float((n - len(present)) / n) if n else 0.0)
    )
    return out


def categorical_bins(column: str, values: pd.Series) -> list[Bin]:
    n = len(values)
    present = values[values.notna()].astype(str)
    shares = present.value_counts(sort=False).sort_index() / n if n else present.value_counts()
    out = [
        Bin(column, "categorical", b, None, None, str(cat), False, float(share))
        for b, (cat, share) in enumerate(shares.items(), start=1)
    ]
    out.append(
        Bin(
            column,
            "categorical",
            0,
            None,
            None,
            None,
            True,
            float(values.isna().sum() / n) if n else 0.0,
        )
    )
    return out


def reference_distributions(
    frame: pd.DataFrame, numeric: tuple[str, ...], categorical: tuple[str, ...], score: np.ndarray
) -> list[Bin]:
    bins: list[Bin] = []
    for c in numeric:
        bins += numeric_bins(c, frame[c])
    for c in categorical:
        bins += categorical_bins(c, frame[c])
    bins += numeric_bins(SCORE_COLUMN, pd.Series(score), kind="score")
    return bins
