"""Drift over time: the PSI of the score (``ml_score_drift``) against the model's own limit,
and of the features that moved most (``ml_feature_drift``)."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from scorehouse.report.data import ReportData, Rows
from scorehouse.report.formatting import dated_note
from scorehouse.report.layout import Section
from scorehouse.report.rows import dated_points, group, ordinal, to_float
from scorehouse.report.svg import Series, line_chart
from scorehouse.report.tables import table

MAX_DRIFT_FEATURES = 5  # lines on the chart
MAX_DRIFT_ROWS = 10  # rows of the table
# a degradation rule as the passport states it (``Degradation.describe`` of the spec)
_SCORE_PSI_ABOVE = re.compile(r"score_psi above (\S+)")


def psi_limit(passport: dict[str, Any] | None) -> float | None:
    """The score PSI above which the model counts as degraded: its spec's
    ``sla.degradation`` rule ``{metric: score_psi, above: X}``, which the passport keeps in
    ``degradation_rules`` (a JSON list of the rules in words). The lowest X when there are
    several; None when the model has no such rule: the report has no limit of its own."""
    stored = (passport or {}).get("degradation_rules")
    if not isinstance(stored, str):
        return None
    try:
        rules = json.loads(stored)
    except ValueError:
        return None
    limits = []
    for rule in rules if isinstance(rules, list) else []:
        match = _SCORE_PSI_ABOVE.fullmatch(str(rule).strip())
        if match and (limit := to_float(match.group(1))) is not None:
            limits.append(limit)
    return min(limits, default=None)


def _score(rows: Rows, limit: float | None) -> str:
    points = dated_points(rows, "psi")
    series = [Series("score PSI", points)]
    if limit is not None and points:
        series.append(
            Series(
                f"degraded above {limit:g}",
                [(points[0][0], limit), (points[-1][0], limit)],
                dashed=True,
                markers=False,
            )
        )
    return (
        "<h3>The score</h3>"
        + dated_note(rows)
        + line_chart(
            series,
            title="Score drift over time",
            x_label="scoring date",
            x_dates=True,
            y_label="PSI",
        )
    )


def _features(rows: Rows) -> str:
    """The features with the highest PSI on the latest date: their PSI over time, and a
    table of the latest date."""
    by_feature = group(rows, "feature")
    latest = max((r.get("cutoff") for r in rows), key=ordinal)
    ranked = sorted(
        (r for r in rows if r.get("cutoff") == latest),
        key=lambda r: -(to_float(r.get("psi")) or 0.0),
    )
    top = [r.get("feature") for r in ranked[:MAX_DRIFT_FEATURES]]
    return (
        "<h3>The features that moved most</h3>"
        + line_chart(
            [Series(str(f), dated_points(by_feature[f], "psi")) for f in top],
            title="Feature drift over time",
            x_label="scoring date",
            x_dates=True,
            y_label="PSI",
        )
        + f'<p class="muted">On {escape(str(latest))}:</p>'
        + table(
            ranked[:MAX_DRIFT_ROWS],
            [
                ("feature", "Feature", "text"),
                ("psi", "PSI", "number"),
                ("null_rate", "Missing now", "percent"),
                ("reference_null_rate", "Missing in training", "percent"),
                ("new_category_examples", "New categories", "text"),
            ],
        )
    )


def _body(data: ReportData) -> str:
    score, features = data.rows("score_drift"), data.rows("feature_drift")
    body = _score(score, psi_limit(data.passport)) if score else ""
    return body + (_features(features) if features else "")


SECTION = Section(
    "drift",
    "Drift over time",
    lead=(
        "Do today's customers look like the ones the model learned from? The population "
        "stability index (PSI) compares distributions: below 0.1 stable, 0.1 to 0.25 a shift "
        "worth watching, above 0.25 a real change that can degrade the model. The dashed line, "
        "where the model's spec sets one, is the score PSI above which it counts as degraded."
    ),
    empty="No drift measured yet: monitoring has not run on this model's scores.",
    body=_body,
)
