"""Calibration over time (``ml_calibration``): score against outcome per decile on the
latest matured scoring date, and how far apart they are on each date."""

from __future__ import annotations

from html import escape
from typing import Any

from scorehouse.report.data import ReportData, Rows
from scorehouse.report.formatting import dated_note
from scorehouse.report.layout import Section
from scorehouse.report.rows import group, ordinal, to_float
from scorehouse.report.svg import Series, line_chart


def _latest(latest: Any, rows: Rows) -> str:
    """The deciles of one date, average score against observed rate, beside the diagonal."""
    part = sorted(rows, key=lambda r: to_float(r.get("mean_predicted")) or 0.0)
    points = [(to_float(r.get("mean_predicted")), to_float(r.get("observed_rate"))) for r in part]
    points = [(x, y) for x, y in points if x is not None and y is not None]
    top = max([v for p in points for v in p] + [0.0])
    return f"<h3>Latest: {escape(str(latest))}</h3>" + line_chart(
        [
            Series("model", points),
            Series("perfect", [(0.0, 0.0), (top, top)], dashed=True, markers=False),
        ],
        title=f"Calibration on {latest}",
        x_label="average score in the decile",
        y_label="observed rate",
    )


def _mean_gap(rows: Rows) -> float | None:
    """The gap of one date: the size of each decile's ``calibration_gap`` (computed by the
    warehouse: mean score − observed rate), averaged over the deciles weighted by their rows;
    None when no decile has one (a table built before the column existed)."""
    weighted = [
        (to_float(r.get("n_rows")) or 0.0, abs(gap))
        for r in rows
        if (gap := to_float(r.get("calibration_gap"))) is not None
    ]
    total = sum(w for w, _ in weighted)
    return sum(w * g for w, g in weighted) / total if total else None


def _body(data: ReportData) -> str:
    rows = data.rows("calibration")
    if not rows:
        return ""
    by_cutoff = group(rows, "cutoff")
    latest = max(by_cutoff, key=ordinal)
    body = _latest(latest, by_cutoff[latest])
    gaps = [(ordinal(c), _mean_gap(part)) for c, part in by_cutoff.items()]
    gaps = sorted((x, y) for x, y in gaps if y is not None)
    if len(gaps) > 1:
        body += "<h3>Average gap between score and outcome, by date</h3>" + dated_note(rows)
        body += line_chart(
            [Series("calibration gap", gaps)],
            title="Calibration gap over time",
            x_label="scoring date",
            x_dates=True,
            y_label="mean |score − observed|",
        )
    return body


SECTION = Section(
    "calibration",
    "Calibration over time",
    lead=(
        "Does a score of 30 % mean 30 %? On the latest scoring date whose outcomes are known, "
        "the average score of each decile against what actually happened; the dashed line is "
        "perfect agreement. Below, how far apart they are on each date."
    ),
    empty="No calibration yet: monitoring has not seen outcomes for this model's scores.",
    body=_body,
)
