"""Campaign lift: each campaign against its control group (``uplift_campaign_lift``), with
the tests ``scorehouse uplift`` finished in Python (``uplift_campaign_tests``)."""

from __future__ import annotations

from scorehouse.report.data import ReportData
from scorehouse.report.layout import Section
from scorehouse.report.tables import Column, table

COLUMNS: list[Column] = [
    ("campaign_name", "Campaign", "text"),
    ("channel", "Channel", "text"),
    ("n_treatment", "Treated", "number"),
    ("n_control", "Control", "number"),
    ("rate_treatment", "Conversion treated", "percent"),
    ("rate_control", "Conversion control", "percent"),
    ("absolute_lift", "Lift", "points"),
    ("absolute_lift_ci_low", "95 % CI low", "points"),
    ("absolute_lift_ci_high", "95 % CI high", "points"),
    ("relative_lift", "Relative lift", "percent"),
    ("z_p_value", "p-value", "p"),
    ("incremental_conversions", "Extra conversions", "number"),
    ("incremental_revenue", "Extra revenue", "number"),
    ("contact_cost", "Contact cost", "number"),
    ("romi", "ROMI", "percent"),
    ("cost_per_incremental_conversion", "Cost per extra conversion", "number"),
    ("srm_status", "Randomisation", "text"),
]


def _body(data: ReportData) -> str:
    rows = data.rows("lift")
    if not rows:
        return ""
    tests = {r.get("campaign_id"): r for r in data.rows("tests")}
    merged = [
        {**r, **{k: v for k, v in tests.get(r.get("campaign_id"), {}).items() if v is not None}}
        for r in sorted(rows, key=lambda r: r.get("campaign_id") or 0)
    ]
    return table(merged, COLUMNS)


SECTION = Section(
    "lift",
    "Campaign lift",
    lead=(
        "Each campaign against its randomly chosen control group: how many more customers "
        "bought because they were contacted. A lift whose interval includes 0 may be chance. "
        "A campaign whose split between groups is broken is flagged and its lift not reported."
    ),
    empty="No campaign with a control group yet.",
    body=_body,
)
