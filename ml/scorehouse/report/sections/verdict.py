"""The verdict: does the model add uplift over the rule at the same budget, and does that
pay for its upkeep (``uplift_verdicts``, ``uplift_model_vs_rule``)."""

from __future__ import annotations

from html import escape
from typing import Any

from scorehouse.registry.passport import split_reasons
from scorehouse.report.data import ReportData
from scorehouse.report.layout import Section
from scorehouse.report.rows import campaign_names
from scorehouse.report.tables import table

VERDICT_WORDS = {
    "keep": "Keep the model: its uplift over the rule is stable and pays for its upkeep.",
    "rebuild": "Rebuild the model: it does not add uplift over the simple rule.",
    "switch_off": "Switch the model off: it costs more than it earns, or it loses to the rule.",
}


def latest_verdict(data: ReportData) -> dict[str, Any] | None:
    rows = data.rows("verdicts")
    if not rows:
        return None
    return max(rows, key=lambda r: str(r.get("verdict_at") or r.get("computed_at") or ""))


def _body(data: ReportData) -> str:
    verdict = latest_verdict(data)
    comparison = data.rows("model_vs_rule")
    if verdict is None and not comparison:
        return ""
    body = ""
    if verdict is not None:
        code = str(verdict.get("verdict"))
        # one text, a reason a line: split the way the registry joined them
        reasons = split_reasons(verdict.get("verdict_reasons"))
        body += (
            f'<div class="verdict {escape(code)}" id="verdict">'
            f"<strong>{escape(code.replace('_', ' ').capitalize())}.</strong> "
            f"{escape(VERDICT_WORDS.get(code, ''))}<ul>"
            + "".join(f"<li>{escape(r)}</li>" for r in reasons)
            + "</ul></div>"
        )
        body += table(
            [verdict],
            [
                ("campaigns", "Campaigns judged", "number"),
                ("budget_share", "Budget (share contacted)", "percent"),
                ("conversions_difference", "Extra conversions, model − rule", "number"),
                ("conversions_difference_ci_low", "95 % CI low", "number"),
                ("conversions_difference_ci_high", "95 % CI high", "number"),
                ("monthly_gain", "Gain per month", "number"),
                ("maintenance_per_month", "Upkeep per month", "number"),
            ],
        )
    if comparison:
        names = campaign_names(data)
        shown = [
            {**r, "campaign": names.get(r.get("campaign_id"), r.get("campaign_id"))}
            for r in comparison
        ]
        body += "<h3>Model against the rule, campaign by campaign, at equal budget</h3>" + table(
            shown,
            [
                ("campaign", "Campaign", "text"),
                ("contacts", "Contacts", "number"),
                ("model_incremental_conversions", "Extra conversions, model", "number"),
                ("rule_incremental_conversions", "Extra conversions, rule", "number"),
                ("conversions_difference", "Difference", "number"),
                ("conversions_difference_ci_low", "95 % CI low", "number"),
                ("conversions_difference_ci_high", "95 % CI high", "number"),
                ("model_incremental_revenue", "Extra revenue, model", "number"),
                ("rule_incremental_revenue", "Extra revenue, rule", "number"),
                ("model_romi", "ROMI, model", "percent"),
                ("rule_romi", "ROMI, rule", "percent"),
            ],
        )
    return body


SECTION = Section(
    "verdict",
    "Verdict",
    lead=(
        "The test every model must pass: does it add uplift over the simple rule at the "
        "same budget (the same number of contacts), and does that uplift pay for its "
        "upkeep? If not, rebuild it or switch it off."
    ),
    empty="No verdict yet: no campaign with a control group judged this model against the rule.",
    body=_body,
)
