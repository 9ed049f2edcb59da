"""``scorehouse uplift``: build the uplift tables, finish the campaign tests, judge models.

1. ``dbt build --select scorehouse.uplift`` (the pipeline's ``uplift`` stage, run before
   :func:`run_uplift`) builds every ``uplift_`` table of the warehouse (campaign lift,
   uplift by decile, curves, Qini and AUUC, uplift@k, model against rule), from the
   campaigns and the models' score histories.
2. The p-values and the revenue interval of each campaign are computed from the
   per-campaign statistics of uplift_campaign_lift (nothing else leaves the warehouse) and
   written to ``uplift_campaign_tests``.
3. Each model with a spec gets its verdict (keep, rebuild, switch off, with its reasons)
   from uplift_model_vs_rule and the spec's maintenance cost, written to
   ``uplift_verdicts``, one row per model and version judged (the passport of a version
   joins it on model_name and model_version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scorehouse.catalogue import CAMPAIGN_TESTS, VERDICTS
from scorehouse.engines import Connection, connect, qualified
from scorehouse.errors import ScorehouseError
from scorehouse.gateway import Gateway
from scorehouse.project import Project, Target
from scorehouse.registry.passport import join_reasons
from scorehouse.registry.versions import Registry, now
from scorehouse.spec import find_specs
from scorehouse.uplift.metrics import CampaignTests, campaign_tests
from scorehouse.uplift.verdict import Evidence, Verdict, decide

DEFAULT_BUDGET = 0.3

@dataclass
class UpliftResult:
    lift: list[dict[str, Any]]
    tests: list[CampaignTests]
    verdicts: dict[str, tuple[int | None, Verdict]] = field(default_factory=dict)


def read_rows(con: Connection, schema: str, table: str) -> list[dict[str, Any]]:
    return con.read_rows(f"SELECT * FROM {qualified(schema, table)}")


def write_campaign_tests(
    con: Connection, schema: str, at: dt.datetime
) -> tuple[list[dict[str, Any]], list[CampaignTests]]:
    lift = sorted(
        read_rows(con, schema, "uplift_campaign_lift"), key=lambda r: r["campaign_id"]
    )
    tests = [campaign_tests(row) for row in lift]
    rows = [
        [
            t.campaign_id,
            t.z_p_value,
            t.revenue_p_value,
            t.revenue_lift_ci_low,
            t.revenue_lift_ci_high,
            t.srm_p_value,
            at,
        ]
        for t in tests
    ]
    Gateway(con, schema).replace(CAMPAIGN_TESTS, rows)
    return lift, tests


def evidence_of(
    rows: Sequence[dict[str, Any]], model: str, budget: float
) -> tuple[int | None, list[Evidence]]:
    """The newest judged version of ``model`` and its campaigns at ``budget``."""
    mine = [r for r in rows if r["model_name"] == model and abs(r["budget_share"] - budget) < 1e-12]
    if not mine:
        return None, []
    version = max(r["model_version"] for r in mine)
    usable = [
        r
        for r in mine
        if r["model_version"] == version
        and all(
            r[c] is not None
            for c in (
                "conversions_difference_ci_high",
                "model_incremental_conversions_ci_low",
                "revenue_difference_ci_high",
            )
        )
    ]
    return version, [
        Evidence(
            campaign_id=r["campaign_id"],
            model_conversions=r["model_incremental_conversions"],
            model_conversions_ci_low=r["model_incremental_conversions_ci_low"],
            conversions_difference=r["conversions_difference"],
            conversions_difference_ci_high=r["conversions_difference_ci_high"],
            revenue_difference=r["revenue_difference"],
            revenue_difference_ci_high=r["revenue_difference_ci_high"],
        )
        for r in sorted(usable, key=lambda r: r["campaign_id"])
    ]


def write_verdicts(
    con: Connection,
    schema: str,
    project: Project,
    names: Sequence[str] | None,
    budget: float,
    at: dt.datetime,
    campaigns_per_month: float = 1.0,
) -> dict[str, tuple[int | None, Verdict]]:
    specs = find_specs(project.model_paths)
    comparison = read_rows(con, schema, "uplift_model_vs_rule")
    unknown = sorted(set(names or ()) - set(specs))
    if unknown:
        raise ScorehouseError(f"no model spec named {', '.join(unknown)} in the project")
    out: dict[str, tuple[int | None, Verdict]] = {}
    for name in sorted(names or specs):
        spec = specs[name]
        version, evidence = evidence_of(comparison, name, budget)
        verdict = decide(
            evidence,
            spec.maintenance_cost_per_month,
            currency=spec.currency,
            campaigns_per_month=campaigns_per_month,
        )
        out[name] = (version, verdict)
        if version is None:
            continue
        ci = verdict.conversions_difference_ci or (None, None)
        row = [
            name,
            version,
            verdict.verdict,
            join_reasons(verdict.reasons),
            budget,
            verdict.campaigns,
            verdict.conversions_difference,
            ci[0],
            ci[1],
            verdict.monthly_gain,
            spec.maintenance_cost_per_month,
            at,
        ]
        Registry(con, schema).set_verdict(name, version, verdict.verdict, verdict.reasons, at)
        Gateway(con, schema).replace(
            VERDICTS, [row], "model_name = ? AND model_version = ?", [name, version]
        )
    return out


def run_uplift(
    project: Project,
    target: Target,
    names: Sequence[str] | None = None,
    *,
    budget: float = DEFAULT_BUDGET,
) -> UpliftResult:
    """From the uplift tables (built by the pipeline's ``uplift`` stage), write the campaign
    tests and the verdicts of ``names`` (every model with a spec when None)."""
    at = now()
    with connect(target) as con:
        lift, tests = write_campaign_tests(con, target.schema, at)
        verdicts = write_verdicts(con, target.schema, project, names, budget, at)
    return UpliftResult(lift, tests, verdicts)
