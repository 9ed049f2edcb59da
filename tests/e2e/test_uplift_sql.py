"""End to end: the uplift tables against statsmodels, scipy and scikit-uplift.

A copy of the project gets a small synthetic warehouse: three randomised campaigns (one
whose observed split breaks its declared one), a toy model's score history at two cutoffs
(scores rounded, so ties happen) and its rule (a handful of distinct values). ``dbt build``
of models/uplift plus ``scorehouse uplift``'s Python step follow; every number is then
recomputed from the same rows by the reference implementations, to 1e-9.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner
from scipy import stats
from sklift.metrics import qini_auc_score, uplift_at_k, uplift_auc_score, uplift_by_percentile
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind

from scorehouse import pipeline
from scorehouse.cli.main import cli
from scorehouse.dbt import run_dbt
from scorehouse.demo_run import DemoRun, measure_uplift
from scorehouse.engines import connect
from scorehouse.project import Project, Target
from scorehouse.registry.passport import split_reasons
from scorehouse.uplift.lift import UpliftResult, run_uplift
from scorehouse.uplift.summary import format_result
from tests.support.project import (
    TOY_SPEC,
    Warehouse,
    project_on,
    target_of,
    write_spec,
)

pytestmark = pytest.mark.slow

EXACT = 1e-9
START = dt.date(2025, 3, 5)
# campaign id -> (observed treatment share, cost per contact); the demo plan declares
# 0.5, 0.8 and 0.8: campaign 2 is split 50/50 although 80/20 was declared.
CAMPAIGNS = {1: (0.5, 0.02), 2: (0.5, 0.08), 3: (0.8, 0.45)}
CUSTOMERS = 6000
TARGETED = 2500


def synthetic(seed: int = 5) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, CUSTOMERS + 1)
    x = rng.normal(size=CUSTOMERS)
    responsiveness = 1 / (1 + np.exp(-2 * x))  # the true uplift rises with x
    campaigns, assignments = [], []
    for cid, (share, cost) in CAMPAIGNS.items():
        campaigns.append(
            (
                cid,
                f"campaign {cid}",
                "email",
                "discount_10",
                START,
                START + dt.timedelta(days=20),
                cost,
            )
        )
        who = np.sort(rng.choice(ids, TARGETED, replace=False))
        treated = rng.random(TARGETED) < share
        base = 0.08 + 0.05 * (x[who - 1] < 0)
        p = np.clip(base + treated * (0.12 * responsiveness[who - 1] - 0.03), 0, 1)
        converted = rng.random(TARGETED) < p
        revenue = np.where(converted, np.round(rng.lognormal(3.5, 0.6, TARGETED), 2), 0.0)
        contacted = treated & (rng.random(TARGETED) < 0.95)
        assignments.append(
            pd.DataFrame(
                {
                    "campaign_id": cid,
                    "customer_id": who,
                    "assigned_at": pd.Timestamp(START),
                    "treatment_group": np.where(treated, "treatment", "control"),
                    "contacted": contacted,
                    "contact_cost": np.where(contacted, cost, 0.0),
                    "converted": converted,
                    "converted_at": pd.Series(
                        np.where(converted, pd.Timestamp(START + dt.timedelta(days=3)), pd.NaT)
                    ),
                    "revenue": revenue,
                }
            )
        )
    histories = []
    for version, cutoff, noise in ((1, dt.date(2025, 2, 1), 3.0), (2, dt.date(2025, 3, 1), 0.7)):
        score = np.round(1 / (1 + np.exp(-(x + rng.normal(scale=noise, size=CUSTOMERS)))), 2)
        for scored_by, v, s in (("model", version, score), ("rule", 0, rng.random(CUSTOMERS))):
            histories.append(
                pd.DataFrame(
                    {
                        "customer_id": ids,
                        "cutoff_date": cutoff,
                        "model_name": "toy",
                        "model_version": v,
                        "scored_by": scored_by,
                        "score": s,
                        "decile": 1,
                        "label": 0,
                        "scored_at": pd.Timestamp("2025-03-02"),
                    }
                )
            )
    features = pd.concat(
        [
            pd.DataFrame(
                {
                    "customer_id": ids,
                    "cutoff_date": cutoff,
                    "rule_score": np.round(
                        np.clip(0.5 + 0.3 * x + rng.normal(scale=0.5, size=CUSTOMERS), 0, 1), 1
                    ),
                }
            )
            for cutoff in (dt.date(2025, 2, 1), dt.date(2025, 3, 1))
        ]
    )
    return {
        "campaigns": pd.DataFrame(
            campaigns,
            columns=[
                "campaign_id",
                "campaign_name",
                "channel",
                "offer",
                "start_date",
                "end_date",
                "cost_per_contact",
            ],
        ),
        "campaign_assignments": pd.concat(assignments, ignore_index=True),
        "toy_history": pd.concat(histories, ignore_index=True),
        "toy_features_raw": features,
    }


def load(target: Target, tables: dict[str, pd.DataFrame]) -> None:
    with connect(target, create=True) as con:
        con.execute("create schema if not exists raw")
        for name, frame in tables.items():
            arrow = pa.Table.from_pandas(frame, preserve_index=False)
            con.create_table_like("raw", name, arrow.schema)
            con.append_arrow("raw", name, arrow)


def toy_models(project: Project) -> None:
    """The toy model's spec, score history and feature relation, as dbt models."""
    spec = copy.deepcopy(TOY_SPEC)
    spec["data"]["score_relation"] = "toy_features"
    spec["cost"]["maintenance_per_month"] = 5
    models = project.root / "models"
    write_spec(models, "toy", spec)
    (models / "ml" / "toy_scores.sql").write_text("select 1 as placeholder\n")
    for name, raw in (("toy_score_history", "toy_history"), ("toy_features", "toy_features_raw")):
        (models / "ml" / f"{name}.sql").write_text(
            f"{{{{ config(materialized='table') }}}}\nselect * from raw.{raw}\n"
        )


@dataclass
class Lab:
    project: Project
    target: Target
    data: dict[str, pd.DataFrame]
    result: UpliftResult

    def table(self, name: str) -> pd.DataFrame:
        return Warehouse(self.target).read(self.target.schema, name)


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def lab(request, tmp_path_factory) -> Iterator[Lab]:
    backend = request.param
    root: Path = tmp_path_factory.mktemp(f"uplift-{backend}")
    project = project_on(request, root, "scorehouse_uplift")
    target = target_of(project)
    data = synthetic()
    load(target, data)
    toy_models(project)
    parents = (
        "stg_raw__campaigns",
        "stg_raw__campaign_assignments",
        "toy_scores",
        "toy_score_history",
        "toy_features",
    )
    run_dbt(target, "run", "--select", *parents, quiet=True)
    pipeline.build(project, target, "uplift", quiet=True)
    yield Lab(project, target, data, run_uplift(project, target))


def arms(lab: Lab, campaign_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    a = lab.data["campaign_assignments"]
    a = a[a.campaign_id == campaign_id]
    return a[a.treatment_group == "treatment"], a[a.treatment_group == "control"]


def test_campaign_lift_equals_statsmodels(lab):
    lift = lab.table("uplift_campaign_lift").set_index("campaign_id")
    for cid in (1, 3):
        t, c = arms(lab, cid)
        row = lift.loc[cid]
        assert row.srm_status == "ok" and row.is_reported
        count, nobs = [t.converted.sum(), c.converted.sum()], [len(t), len(c)]
        z, _ = proportions_ztest(count, nobs)
        low, high = confint_proportions_2indep(
            count[0], nobs[0], count[1], nobs[1], method="wald", compare="diff"
        )
        rlow, rhigh = confint_proportions_2indep(
            count[0], nobs[0], count[1], nobs[1], method="log", compare="ratio"
        )
        tstat, _, df = ttest_ind(t.revenue, c.revenue, usevar="unequal")
        p_t, p_c = count[0] / nobs[0], count[1] / nobs[1]
        expected = {
            "n_treatment": nobs[0],
            "n_control": nobs[1],
            "rate_treatment": p_t,
            "rate_control": p_c,
            "revenue_per_customer_treatment": t.revenue.mean(),
            "revenue_per_customer_control": c.revenue.mean(),
            "absolute_lift": p_t - p_c,
            "absolute_lift_ci_low": low,
            "absolute_lift_ci_high": high,
            "relative_lift": p_t / p_c - 1,
            "relative_lift_ci_low": rlow - 1,
            "relative_lift_ci_high": rhigh - 1,
            "z_statistic": z,
            "revenue_t_statistic": tstat,
            "revenue_welch_df": df,
            "revenue_lift": t.revenue.mean() - c.revenue.mean(),
            "incremental_conversions": (p_t - p_c) * nobs[0],
            "incremental_revenue": (t.revenue.mean() - c.revenue.mean()) * nobs[0],
            "contact_cost": t.contact_cost.sum(),
            "romi": ((t.revenue.mean() - c.revenue.mean()) * nobs[0] - t.contact_cost.sum())
            / t.contact_cost.sum(),
        }
        for column, value in expected.items():
            assert row[column] == pytest.approx(value, rel=EXACT, abs=EXACT), column
        if p_t > p_c:
            assert row.cost_per_incremental_conversion == pytest.approx(
                t.contact_cost.sum() / ((p_t - p_c) * nobs[0]), rel=EXACT
            )


def test_p_values_and_revenue_interval_equal_statsmodels(lab):
    tests = {t.campaign_id: t for t in lab.result.tests}
    for cid in (1, 3):
        t, c = arms(lab, cid)
        _, p = proportions_ztest([t.converted.sum(), c.converted.sum()], [len(t), len(c)])
        _, p_rev, _ = ttest_ind(t.revenue, c.revenue, usevar="unequal")
        low, high = CompareMeans(DescrStatsW(t.revenue), DescrStatsW(c.revenue)).tconfint_diff(
            usevar="unequal"
        )
        assert tests[cid].z_p_value == pytest.approx(p, rel=EXACT, abs=1e-15)
        assert tests[cid].revenue_p_value == pytest.approx(p_rev, rel=EXACT, abs=1e-15)
        assert tests[cid].revenue_lift_ci_low == pytest.approx(low, rel=EXACT)
        assert tests[cid].revenue_lift_ci_high == pytest.approx(high, rel=EXACT)
    written = lab.table("uplift_campaign_tests").set_index("campaign_id")
    assert written.loc[1, "z_p_value"] == tests[1].z_p_value


def test_a_broken_split_is_flagged_and_its_lift_not_reported(lab):
    lift = lab.table("uplift_campaign_lift").set_index("campaign_id")
    t, c = arms(lab, 2)
    n = len(t) + len(c)
    chi2, p = stats.chisquare([len(t), len(c)], [0.8 * n, 0.2 * n])
    row = lift.loc[2]
    assert row.srm_chi_square == pytest.approx(chi2, rel=EXACT)
    assert row.srm_status == "mismatch" and not row.is_reported
    for column in (
        "absolute_lift",
        "relative_lift",
        "incremental_conversions",
        "romi",
        "z_statistic",
    ):
        assert pd.isna(row[column]), column
    assert {t.campaign_id: t for t in lab.result.tests}[2].srm_p_value == pytest.approx(
        p, rel=EXACT
    )
    assert lift.loc[1, "srm_chi_square"] < 10.83
    assert 2 not in set(lab.table("uplift_ranking").campaign_id)


def scored(lab: Lab, campaign_id: int, subject: str) -> pd.DataFrame:
    """The rows the targeting tables see, ordered by customer_id (scikit-uplift's input).
    The uplift tables hold every key as text, so ties are broken by the key as text."""
    a = lab.data["campaign_assignments"]
    h = lab.data["toy_history"]
    h = h[(h.model_version == 2) & (h.scored_by == "model")][["customer_id", "score"]]
    f = lab.data["toy_features_raw"]
    f = f[f.cutoff_date == dt.date(2025, 3, 1)][["customer_id", "rule_score"]]
    rows = a[a.campaign_id == campaign_id].merge(h, on="customer_id").merge(f, on="customer_id")
    rows["customer_id"] = rows["customer_id"].astype(str)
    rows = rows.sort_values("customer_id").reset_index(drop=True)
    rows["treatment"] = (rows.treatment_group == "treatment").astype(int)
    rows["y"] = rows.converted.astype(int)
    rows["ranking"] = rows.score if subject == "model" else rows.rule_score
    return rows


def test_qini_and_auuc_equal_scikit_uplift_ties_included(lab):
    ranking = lab.table("uplift_ranking").set_index(["campaign_id", "subject"])
    assert set(ranking.model_version) == {2}
    for cid in (1, 3):
        for subject in ("model", "rule"):
            rows = scored(lab, cid, subject)
            row = ranking.loc[(cid, subject)]
            assert row.customers == len(rows)
            qini = qini_auc_score(rows.y, rows.ranking, rows.treatment)
            auuc = uplift_auc_score(rows.y, rows.ranking, rows.treatment)
            assert row.qini_coefficient == pytest.approx(qini, rel=EXACT, abs=EXACT), (cid, subject)
            assert row.auuc == pytest.approx(auuc, rel=EXACT, abs=EXACT), (cid, subject)


def test_uplift_at_k_equals_scikit_uplift(lab):
    at_k = lab.table("uplift_at_k").set_index(["campaign_id", "subject", "strategy", "k"])
    for cid in (1, 3):
        for subject in ("model", "rule"):
            rows = scored(lab, cid, subject)
            for strategy in ("overall", "by_group"):
                for k in (0.1, 0.2, 0.3):
                    expected = uplift_at_k(
                        rows.y, rows.ranking, rows.treatment, strategy=strategy, k=k
                    )
                    got = at_k.loc[(cid, subject, strategy, k), "uplift"]
                    assert got == pytest.approx(expected, rel=EXACT, abs=EXACT), (
                        cid,
                        subject,
                        strategy,
                        k,
                    )


def test_uplift_by_decile_equals_scikit_uplift_by_percentile(lab):
    """Ten equal groups in scikit-uplift's order (ties by descending customer_id), as
    uplift_by_percentile(bins=10) splits them; its std_uplift is the Wald standard error."""
    deciles = lab.table("uplift_by_decile")
    for cid in (1, 3):
        for subject in ("model", "rule"):
            rows = scored(lab, cid, subject)
            ref = uplift_by_percentile(rows.y, rows.ranking, rows.treatment, bins=10, std=True)
            mine = deciles[(deciles.campaign_id == cid) & (deciles.subject == subject)]
            mine = mine.sort_values("decile")
            assert list(mine.n_treatment) == list(ref.n_treatment)
            assert list(mine.n_control) == list(ref.n_control)
            np.testing.assert_allclose(mine.uplift, ref.uplift, rtol=EXACT, atol=EXACT)
            half = 1.959963984540054 * ref.std_uplift.to_numpy()
            np.testing.assert_allclose(
                mine.uplift_ci_low, ref.uplift - half, rtol=EXACT, atol=EXACT
            )
            np.testing.assert_allclose(
                mine.uplift_ci_high, ref.uplift + half, rtol=EXACT, atol=EXACT
            )


def stratum_effect(group: pd.DataFrame) -> tuple[float, float, float, float]:
    t, c = group[group.treatment == 1], group[group.treatment == 0]
    n = len(group)
    p_t, p_c = t.y.mean(), c.y.mean()
    conv = n * (p_t - p_c)
    conv_var = n * n * (p_t * (1 - p_t) / len(t) + p_c * (1 - p_c) / len(c))
    rev = n * (t.revenue.mean() - c.revenue.mean())
    rev_var = n * n * (t.revenue.var() / len(t) + c.revenue.var() / len(c))
    return conv, conv_var, rev, rev_var


def test_model_against_rule_at_equal_budget_equals_numpy(lab):
    table = lab.table("uplift_model_vs_rule").set_index(["campaign_id", "budget_share"])
    z = stats.norm.ppf(0.975)
    for cid in (1, 3):
        rows = scored(lab, cid, "model")
        for budget in (0.1, 0.2, 0.3):
            contacts = int(len(rows) * budget)
            by_model = set(
                rows.sort_values(["score", "customer_id"], ascending=False).customer_id[:contacts]
            )
            by_rule = set(
                rows.sort_values(["rule_score", "customer_id"], ascending=False).customer_id[
                    :contacts
                ]
            )
            effects = {
                name: stratum_effect(rows[rows.customer_id.isin(ids)])
                for name, ids in (
                    ("both", by_model & by_rule),
                    ("model", by_model - by_rule),
                    ("rule", by_rule - by_model),
                )
            }
            row = table.loc[(cid, budget)]
            diff = effects["model"][0] - effects["rule"][0]
            se = np.sqrt(effects["model"][1] + effects["rule"][1])
            rev_diff = effects["model"][2] - effects["rule"][2]
            cost = contacts * CAMPAIGNS[cid][1]
            model_revenue = effects["both"][2] + effects["model"][2]
            assert row.contacts == contacts
            assert row.model_incremental_conversions == pytest.approx(
                effects["both"][0] + effects["model"][0], rel=EXACT
            )
            assert row.rule_incremental_conversions == pytest.approx(
                effects["both"][0] + effects["rule"][0], rel=EXACT
            )
            assert row.conversions_difference_ci_low == pytest.approx(diff - z * se, rel=EXACT)
            assert row.revenue_difference == pytest.approx(rev_diff, rel=EXACT)
            assert row.model_romi == pytest.approx((model_revenue - cost) / cost, rel=EXACT)


def test_the_verdict_is_written_for_the_judged_version(lab):
    version, verdict = lab.result.verdicts["toy"]
    assert version == 2 and verdict.verdict in {"keep", "rebuild", "switch_off"} and verdict.reasons
    written = lab.table("uplift_verdicts")
    assert list(written.model_name) == ["toy"] and list(written.verdict) == [verdict.verdict]
    assert split_reasons(written.verdict_reasons[0]) == list(verdict.reasons)


def test_the_command_prints_lift_and_verdict(lab):
    args = ["--project-dir", str(lab.project.root), "uplift", "toy", "--no-build"]
    out = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "mismatch" in out.output and "toy" in out.output and "verdict" in out.output.lower()


def test_the_demo_step_prints_the_same_report(lab):
    lines: list[str] = []
    run = DemoRun(lab.project, lab.target, customers=0, seed=0, echo=lines.append)
    measure_uplift(run)
    assert lines[0] == f"uplift: {pipeline.STAGE['uplift'].does}"
    assert lines[-1] == format_result(lab.result) and "Verdicts:" in lines[-1]
