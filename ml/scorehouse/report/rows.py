"""Warehouse rows reshaped for charts and tables: grouped, ordered, dates as numbers.

Nothing here computes a measure: the warehouse models do (see ``models/monitoring`` and
``models/uplift``); the report only picks, groups and orders their rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from scorehouse.report.data import ReportData, Rows

MAX_CAMPAIGN_CHARTS = 4

# the names the warehouse gives the two rankings compared (ml_ tables say baseline)
_SUBJECT_NAMES = {"model": "model", "rule": "rule", "baseline": "rule"}
_SUBJECT_ORDER = {"model": 0, "rule": 1, "baseline": 1}


def to_float(value: Any) -> float | None:
    """A finite number, or None for anything else (NULL, NaN, text)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def ordinal(value: Any) -> float:
    """Dates (and timestamps) as days since 1970, so they can be plotted on a number line."""
    if value is None:
        return float("-inf")
    if hasattr(value, "toordinal"):
        return float(value.toordinal() - 719163)
    return to_float(value) or 0.0


def group(rows: Rows, key: str) -> dict[Any, Rows]:
    groups: dict[Any, Rows] = defaultdict(list)
    for row in rows:
        groups[row.get(key)].append(row)
    return groups


def dated_points(rows: Rows, column: str) -> list[tuple[float, float]]:
    """(scoring date, value) of each row with a value, in date order."""
    points = [(ordinal(r.get("cutoff")), to_float(r.get(column))) for r in rows]
    return sorted((x, y) for x, y in points if y is not None)


def subject_name(subject: Any) -> str:
    return _SUBJECT_NAMES.get(str(subject), str(subject))


def by_subject(rows: Rows) -> list[tuple[Any, Rows]]:
    """Rows grouped by subject: the model first, then the rule, then any other."""
    groups = group(rows, "subject").items()
    return sorted(groups, key=lambda kv: (_SUBJECT_ORDER.get(str(kv[0]), 2), str(kv[0])))


def campaign_names(data: ReportData) -> dict[Any, str]:
    """Each campaign's name (from the campaign lift table), by campaign id."""
    names = {r.get("campaign_id"): r.get("campaign_name") for r in data.rows("lift")}
    return {k: str(v) if v else f"campaign {k}" for k, v in names.items()}


def recent_campaigns(rows: Rows) -> list[Any]:
    """The newest campaigns (highest ids) of ``rows``: one chart each, at most a few."""
    ids = sorted({r.get("campaign_id") for r in rows}, key=lambda c: (c is None, c), reverse=True)
    return ids[:MAX_CAMPAIGN_CHARTS]
