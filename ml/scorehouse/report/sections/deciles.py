"""Uplift by decile of the score, model and rule side by side, for the newest campaigns
(``uplift_by_decile``)."""

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
from scorehouse.report.svg import Series, bar_chart


def _series(rows: Rows) -> list[Series]:
    """One series per subject: the uplift of each decile with its 95 % interval."""
    series = []
    for subject, part in by_subject(rows):
        part = sorted(part, key=lambda r: r.get("decile") or 0)
        series.append(
            Series(
                subject_name(subject),
                [(float(r["decile"]), to_float(r.get("uplift"))) for r in part],
                [
                    (to_float(r.get("uplift_ci_low")), to_float(r.get("uplift_ci_high")))
                    for r in part
                ],
            )
        )
    return series


def _body(data: ReportData) -> str:
    rows = data.rows("deciles")
    if not rows:
        return ""
    names = campaign_names(data)
    by_campaign = group(rows, "campaign_id")
    body = ""
    for campaign in recent_campaigns(rows):
        deciles = sorted({int(r["decile"]) for r in by_campaign[campaign]})
        title = names.get(campaign, f"campaign {campaign}")
        body += f"<h3>{escape(title)}</h3>" + bar_chart(
            [str(d) for d in deciles],
            _series(by_campaign[campaign]),
            title=f"Uplift by decile, {title}",
            x_label="decile of the score (1 = highest)",
            y_label="uplift (treated − control)",
        )
    return body


SECTION = Section(
    "deciles",
    "Uplift by decile",
    lead=(
        "Customers split into ten equal groups by the model's score, best first. In each, "
        "conversion of the contacted minus conversion of the control group: the customers "
        "the campaign moved. Bars that fall from left to right mean the score finds them; "
        "the whiskers are 95 % intervals."
    ),
    empty="No campaign with a control group scored by this model yet.",
    body=_body,
)
