"""The simulated calendar: day indices, seasonality and the monthly feature cutoffs.

Time inside the simulation is a float number of days since ``HISTORY_START``; day ``d``
covers ``[d, d + 1)``. Every intensity is constant within a day, so integrals over whole
days are exact sums, which is what makes the ground truth analytic.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

HISTORY_START = dt.date(2024, 1, 1)
HISTORY_END = dt.date(2025, 12, 31)  # last day with data, inclusive
N_DAYS = (HISTORY_END - HISTORY_START).days + 1

CHURN_WINDOW_DAYS = 60
PROPENSITY_WINDOW_DAYS = 30

# Relative demand by calendar month (Jan..Dec): a summer dip and a Nov/Dec peak.
_MONTH_FACTOR = np.array([0.95, 0.9, 1.0, 1.0, 0.95, 0.85, 0.8, 0.8, 1.0, 1.05, 1.35, 1.55])
# Relative demand by weekday (Mon..Sun).
_WEEKDAY_FACTOR = np.array([0.95, 0.95, 1.0, 1.0, 1.05, 1.1, 0.95])

EPOCH_SECONDS = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())


def day_index(day: dt.date) -> int:
    """Days from ``HISTORY_START`` to ``day``."""
    return (day - HISTORY_START).days


def season_factors() -> np.ndarray:
    """Demand factor of each history day (mean about 1), shape ``(N_DAYS,)``."""
    days = np.arange(N_DAYS)
    dates = np.datetime64(HISTORY_START.isoformat()) + days.astype("timedelta64[D]")
    months = dates.astype("datetime64[M]").astype(int) % 12
    weekdays = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    factor = _MONTH_FACTOR[months] * _WEEKDAY_FACTOR[weekdays]
    return factor / factor.mean()


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first of each month from ``start`` to ``end`` inclusive."""
    first = dt.date(start.year, start.month, 1)
    if first < start:
        first = _next_month(first)
    out = []
    while first <= end:
        out.append(first)
        first = _next_month(first)
    return out


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def days_to_seconds(days: np.ndarray) -> np.ndarray:
    """Simulation days to whole seconds since the Unix epoch (int64)."""
    return EPOCH_SECONDS + np.floor(days * 86400.0).astype(np.int64)


def days_to_dates(days: np.ndarray) -> np.ndarray:
    """Integer simulation days to ``datetime64[D]``."""
    return np.datetime64(HISTORY_START.isoformat(), "D") + days.astype("timedelta64[D]")
