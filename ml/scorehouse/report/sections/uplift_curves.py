"""Qini and uplift curves of the model's and the rule's rankings, for the newest campaigns
(``uplift_curves``), and their Qini coefficient and AUUC (``uplift_ranking``)."""

from __future__ import annotations

from html import escape

from scorehouse.report.data import ReportData, Rows
from scorehouse.report.layout import Section
from scorehouse.report.rows import (
    by_subject,
    campaign_names,
    group,
    recent_campaigns,
    subject_name,
    to_float,
)
from scorehouse.report.svg import Series, line_chart
from scorehouse.report.tables import table

# the measure of uplift_curves drawn -> (the chart's name, its y axis)
CURVES = {
    "qini": ("Qini curve", "extra conversions (Qini)"),
    "uplift": ("Uplift curve", "uplift × customers"),
}


def _ranking(data: ReportData) -> str:
    ranking = data.rows("ranking")
    if not ranking:
        return ""
    names = campaign_names(data)
    shown = [
        {
            **r,
            "campaign": names.get(r.get("campaign_id"), r.get("campaign_id")),
            "subject": subject_name(r.get("subject")),
        }
        for r in ranking
    ]
    return table(
        shown,
        [
            ("campaign", "Campaign", "text"),
            ("subject", "Ranking by", "text"),
            ("customers", "Customers", "number"),
            ("qini_coefficient", "Qini coefficient", "number"),
            ("auuc", "AUUC", "number"),
        ],
    )


def _curve(rows: Rows, measure: str) -> list[Series]:
    """One line per subject, then the straight line of contacting at random, from the
    origin to where the first line ends."""
    series = []
    for subject, part in by_subject(rows):
        points = [(to_float(r.get("share_targeted")), to_float(r.get(measure))) for r in part]
        series.append(
            Series(
                subject_name(subject),
                sorted((x, y) for x, y in points if x is not None and y is not None),
                markers=False,
            )
        )
    end = max((s.points[-1][1] for s in series if s.points), default=0.0)
    series.append(Series("random", [(0.0, 0.0), (1.0, end)], dashed=True, markers=False))
    return series


def _body(data: ReportData) -> str:
    rows = data.rows("curves")
    if not rows and not data.rows("ranking"):
        return ""
    names = campaign_names(data)
    body = _ranking(data)
    actual = [r for r in rows if r.get("ordering") in (None, "actual")]
    by_campaign = group(actual, "campaign_id")
    for campaign in recent_campaigns(actual):
        title = names.get(campaign, f"campaign {campaign}")
        for measure, (name, y_label) in CURVES.items():
            body += f"<h3>{escape(title)}: {name}</h3>" + line_chart(
                _curve(by_campaign[campaign], measure),
                title=f"{name}, {title}",
                x_label="share of customers contacted",
                y_label=y_label,
            )
    return body


SECTION = Section(
    "curves",
    "Qini and uplift curves",
    lead=(
        "Contacting customers in the order of the score, how many extra conversions the "
        "campaign gains (Qini curve) as more of the list is contacted. The straight dashed "
        "line is contacting at random; the higher the curve above it, the better the ranking. "
        "The Qini coefficient and AUUC sum that up (0 = random, 1 = perfect)."
    ),
    empty="No campaign with a control group scored by this model yet.",
    body=_body,
)
