"""The passport (``ml_passports``): who owns the model, what it decides, how it is kept."""

from __future__ import annotations

from html import escape

from scorehouse.report.data import ReportData
from scorehouse.report.formatting import number, plain, words
from scorehouse.report.layout import Section
from scorehouse.urls import shown


def _body(data: ReportData) -> str:
    p = data.passport
    if p is None:
        return ""
    cost = p.get("maintenance_cost_per_month")
    cadence = p.get("refresh_cadence_days")
    items = [
        ("Task", p.get("task")),
        ("Decisions it informs", words(p.get("decisions"))),
        ("Owner", p.get("owner")),
        ("Business owner", p.get("business_owner")),
        ("Who may switch it off", p.get("kill_switch_owner")),
        (
            "Serving now",
            f"{p.get('serving')}"
            + (f" ({p['serving_reason']})" if p.get("serving_reason") else ""),
        ),
        ("Champion version", p.get("champion_version")),
        ("Trained", p.get("trained_at")),
        ("Retraining due", p.get("due_at")),
        ("Refresh every", f"{plain(cadence)} days" if cadence else None),
        ("Business metric", words(p.get("business_metric"))),
        (
            "Upkeep per month",
            f"{number(cost)} {p.get('currency') or ''}" if cost is not None else None,
        ),
        ("When it counts as degraded", words(p.get("degradation_rules"))),
        # a webhook URL holds its secret: shown() masks it
        ("Alerts go to", shown(p.get("alert_channel"))),
    ]
    return (
        "<dl>"
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(plain(v))}</dd>" for k, v in items)
        + "</dl>"
    )


SECTION = Section(
    "passport",
    "Passport",
    lead="Who owns the model, what it decides, and how it is kept alive.",
    empty="No passport yet: train the model with scorehouse train.",
    body=_body,
)
