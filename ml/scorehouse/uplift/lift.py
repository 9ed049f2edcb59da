"""``scorehouse uplift``: build the uplift tables, finish the campaign tests, judge models.

1. ``dbt build --select scorehouse.uplift`` builds every ``uplift_`` table of the
   warehouse (campaign lift, uplift by decile, curves, Qini and AUUC, uplift@k, model
   against rule), from the campaigns and the models' score histories.
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

from scorehouse import selectors
from scorehouse.dbt import DbtRun, run_dbt
from scorehouse.errors import ScorehouseError
from scorehouse.lifecycle.registry import Registry, now
from scorehouse.lifecycle.spec import find_specs
from scorehouse.lifecycle.train import model_paths
from scorehouse.project import Project, Target
from scorehouse.uplift.metrics import CampaignTests, campaign_tests
from scorehouse.uplift.verdict import Evidence, Verdict, decide
from scorehouse.warehouse import connect
from scorehouse.warehouse.session import Session, quote

DEFAULT_BUDGET = 0.3

TESTS_COLUMNS = [
    ("campaign_id", "INTEGER"),
    ("z_p_value", "DOUBLE PRECISION"),
    ("revenue_p_value", "DOUBLE PRECISION"),
    ("revenue_lift_ci_low", "DOUBLE PRECISION"),
    ("revenue_lift_ci_high", "DOUBLE PRECISION"),
    ("srm_p_value", "DOUBLE PRECISION"),
    ("computed_at", "TIMESTAMP"),
]
VERDICT_COLUMNS = [
    ("model_name", "TEXT"),
    ("model_version", "INTEGER"),
    ("verdict", "TEXT"),
    ("verdict_reasons", "TEXT"),
    ("budget_share", "DOUBLE PRECISION"),
    ("campaigns", "INTEGER"),
    ("conversions_difference", "DOUBLE PRECISION"),
    ("conversions_difference_ci_low", "DOUBLE PRECISION"),
    ("conversions_difference_ci_high", "DOUBLE PRECISION"),
    ("monthly_gain", "DOUBLE PRECISION"),
    ("maintenance_per_month", "DOUBLE PRECISION"),
    ("verdict_at", "TIMESTAMP"),
]


@dataclass
class UpliftResult:
    lift: list[dict[str, Any]]
    tests: list[CampaignTests]
    verdicts: dict[str, tuple[int | None, Verdict]] = field(default_factory=dict)
    build: DbtRun | None = None  # the dbt build of the uplift tables, when it ran


def read_rows(session: Session, schema: str, table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = session.ibis.table(table, database=schema).to_pyarrow().to_pylist()
    return rows


def _replace(
    session: Session,
    schema: str,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    where: tuple[str, Sequence[Any]] | None = None,
) -> None:
    """Create ``table`` if needed; delete its rows (those ``where`` matches), insert ``rows``."""
    name = f"{quote(schema)}.{quote(table)}"
    session.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
    session.execute(
        f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{quote(c)} {t}' for c, t in columns)})"
    )
    with session.transaction():
        if where is None:
            session.execute(f"DELETE FROM {name}")
        else:
            session.execute(f"DELETE FROM {name} WHERE {where[0]}", where[1])
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(quote(c) for c, _ in columns)
        session.executemany(f"INSERT INTO {name} ({names}) VALUES ({placeholders})", rows)


def write_campaign_tests(
    session: Session, schema: str, at: dt.datetime
) -> tuple[list[dict[str, Any]], list[CampaignTests]]:
    lift = sorted(
        read_rows(session, schema, "uplift_campaign_lift"), key=lambda r: r["campaign_id"]
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
    _replace(session, schema, "uplift_campaign_tests", TESTS_COLUMNS, rows)
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
    session: Session,
    schema: str,
    project: Project,
    names: Sequence[str] | None,
    budget: float,
    at: dt.datetime,
    campaigns_per_month: float = 1.0,
) -> dict[str, tuple[int | None, Verdict]]:
    specs = find_specs(model_paths(project))
    comparison = read_rows(session, schema, "uplift_model_vs_rule")
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
            "\n".join(verdict.reasons),
            budget,
            verdict.campaigns,
            verdict.conversions_difference,
            ci[0],
            ci[1],
            verdict.monthly_gain,
            spec.maintenance_cost_per_month,
            at,
        ]
        Registry(session, schema).set_verdict(name, version, verdict.verdict, verdict.reasons, at)
        _replace(
            session,
            schema,
            "uplift_verdicts",
            VERDICT_COLUMNS,
            [row],
            where=("model_name = ? AND model_version = ?", [name, version]),
        )
    return out


def run_uplift(
    project: Project,
    target: Target,
    names: Sequence[str] | None = None,
    *,
    budget: float = DEFAULT_BUDGET,
    build: bool = True,
    quiet: bool = True,
) -> UpliftResult:
    """Build the uplift tables (unless ``build`` is false), then write the campaign tests
    and the verdicts of ``names`` (every model with a spec when None)."""
    built = run_dbt(target, "build", *selectors.uplift(project), quiet=quiet) if build else None
    at = now()
    session = Session(connect(target))
    try:
        lift, tests = write_campaign_tests(session, target.schema, at)
        verdicts = write_verdicts(session, target.schema, project, names, budget, at)
    finally:
        session.ibis.disconnect()
    return UpliftResult(lift, tests, verdicts, built)
