"""End to end on Apache Spark: the whole loop, with the same commands as on DuckDB.

A copy of the project gets a ``spark`` target (dbt-spark's session method) on the test
process's SparkSession (the ``spark_session`` fixture; see ``tests/support/spark_loop.py``).
``scorehouse demo`` then runs every step in this process: the demo retailer written into
Spark, ``dbt build`` of staging, features, labels and every data test, training (rows read
through the Spark engine's session), compilation to Spark SQL, scoring with ``dbt build``, the
monitoring models, the uplift tables and verdicts, the HTML reports; then
``scorehouse monitor`` evaluates the SLAs. The numbers are checked against scikit-learn,
numpy and statsmodels, as on the other engines.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from statsmodels.stats.proportion import proportions_ztest

from scorehouse.cli.main import cli
from scorehouse.project import Project, Target
from scorehouse.registry.artifacts import load_pipeline, verified_dir
from scorehouse.spec import load_spec
from scorehouse.training.data import normalise
from tests.support.project import Warehouse, copy_project, target_of
from tests.support.spark_loop import scratch_of, spark_output

pytestmark = pytest.mark.slow

CUSTOMERS = 600
SEED = 7
EXACT = 1e-12
CLOSE = 1e-9
EPSILON = 1e-4  # var scorehouse_psi_epsilon's default
MODELS = ("churn", "purchase")


@dataclass
class Loop:
    project: Project
    target: Target
    output: str
    seconds: dict[str, float] = field(default_factory=dict)
    monitor_exit: int | None = None

    def table(self, name: str, schema: str | None = None) -> pd.DataFrame:
        return Warehouse(self.target).read(schema or self.target.schema, name)


def _invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--project-dir", str(root), "--target", "spark", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def loop(spark_session, tmp_path_factory) -> Iterator[Loop]:
    root = tmp_path_factory.mktemp("spark_loop")
    project = copy_project(root, {"spark": spark_output(scratch_of(spark_session))})
    lab = Loop(project, target_of(project), output="")
    started = time.perf_counter()
    code, lab.output = _invoke(root, "demo", "--customers", str(CUSTOMERS), "--seed", str(SEED))
    lab.seconds["demo"] = time.perf_counter() - started
    assert code == 0, lab.output
    started = time.perf_counter()
    lab.monitor_exit, monitor_output = _invoke(root, "monitor")
    lab.seconds["monitor"] = time.perf_counter() - started
    lab.output += monitor_output
    steps = [line for line in lab.output.splitlines() if line.startswith("demo finished")]
    print(f"spark loop: {lab.seconds} {steps}")  # shown with -s
    yield lab


def _features(lab: Loop, name: str, cutoff: object) -> tuple[pd.DataFrame, object]:
    spec = load_spec(lab.project.model_paths, name)
    frame = lab.table(spec.data.score_relation)
    frame = frame[pd.to_datetime(frame[spec.data.cutoff]) == pd.Timestamp(cutoff)]
    return normalise(frame, spec), spec


@pytest.mark.parametrize("name", MODELS)
def test_spark_scores_equal_the_fitted_pipeline(loop, name):
    scores = loop.table(f"{name}_scores")
    assert len(scores) > 0 and set(scores["scored_by"]) == {"model"}
    (cutoff,) = scores["cutoff_date"].unique()
    rows, spec = _features(loop, name, cutoff)
    versions = loop.table("ml_model_versions")
    champion = versions[(versions.model_name == name) & (versions.status == "champion")]
    pipeline = load_pipeline(verified_dir(loop.project.root, champion.iloc[0].to_dict()))
    key = spec.data.entity_key
    rows = rows.set_index(key).loc[scores[key]]
    features = rows[list(spec.data.features)]
    expected = pipeline.predict_proba(features)[:, 1]
    assert len(rows) == len(scores)
    np.testing.assert_allclose(scores["score"].to_numpy(np.float64), expected, rtol=0, atol=EXACT)
    assert list(scores["label"]) == list(pipeline.predict(features))
    assert int(scores["model_version"].iloc[0]) == int(champion["version"].iloc[0])


def test_score_psi_equals_numpy(loop):
    """PSI of the churn scores against the version's reference score bins (lower < x <=
    upper), recomputed with numpy."""
    ref = loop.table("ml_reference_distributions")
    ref = ref[(ref.model_name == "churn") & (ref.version == 1) & (ref.column_name == "__score__")]
    scores = loop.table("churn_score_history")["score"].to_numpy(np.float64)
    present = ref[~ref["is_null"]].sort_values("bin")
    uppers = present["upper_bound"].dropna().to_numpy(np.float64)
    index = 1 + np.searchsorted(uppers, scores, side="left")
    expected = dict(zip(ref["bin"].astype(int), ref["share"], strict=True))
    a = np.array([np.mean(index == b) for b in expected])
    e = np.array(list(expected.values()), dtype=np.float64)
    a, e = np.maximum(a, EPSILON), np.maximum(e, EPSILON)
    drift = loop.table("ml_score_drift")
    row = drift[(drift.model_name == "churn") & (drift.model_version == 1)].iloc[0]
    assert row["n_rows"] == len(scores)
    assert row["psi"] == pytest.approx(float(np.sum((a - e) * np.log(a / e))), abs=CLOSE)


def test_monitoring_tables_are_built_and_the_monitor_ran(loop):
    freshness = loop.table("ml_freshness").set_index("model_name")
    for name in MODELS:
        assert freshness.loc[name, "model_age_days"] == 0
        assert freshness.loc[name, "days_since_scored"] == 0
        assert not freshness.loc[name, "is_stale"]
    assert len(loop.table("ml_feature_drift")) > 0
    assert loop.monitor_exit in (0, 1), loop.output
    loop.table("ml_alerts")  # created by the monitor
    passports = loop.table("ml_passports").set_index("model_name")
    assert set(passports.index) == set(MODELS)
    assert set(passports["serving"]) <= {"model", "rule", "off"}


def test_campaign_lift_equals_statsmodels(loop):
    """Campaign lift of the first reported campaign, from the raw assignments in pandas."""
    lift = loop.table("uplift_campaign_lift")
    reported = lift[lift["is_reported"]].sort_values("campaign_id")
    assert len(reported) > 0
    row = reported.iloc[0]
    raw = loop.table("campaign_assignments", "raw")
    mine = raw[raw.campaign_id == row["campaign_id"]]
    t, c = mine[mine.treatment_group == "treatment"], mine[mine.treatment_group == "control"]
    count = [int(t.converted.sum()), int(c.converted.sum())]
    nobs = [len(t), len(c)]
    z, _ = proportions_ztest(count, nobs)
    p_t, p_c = count[0] / nobs[0], count[1] / nobs[1]
    assert (row["n_treatment"], row["n_control"]) == tuple(nobs)
    assert row["rate_treatment"] == pytest.approx(p_t, abs=CLOSE)
    assert row["rate_control"] == pytest.approx(p_c, abs=CLOSE)
    assert row["absolute_lift"] == pytest.approx(p_t - p_c, abs=CLOSE)
    assert row["z_statistic"] == pytest.approx(z, abs=CLOSE)
    assert row["revenue_lift"] == pytest.approx(t.revenue.mean() - c.revenue.mean(), abs=CLOSE)


def test_verdicts_reach_the_passports(loop):
    verdicts = loop.table("uplift_verdicts")
    assert set(verdicts["model_name"]) <= set(MODELS)
    assert set(verdicts["verdict"].dropna()) <= {"keep", "rebuild", "switch_off"}


def test_scoring_again_adds_no_duplicates_to_the_history(loop):
    """Spark's parquet tables take no delete+insert: the history appends only the rows it
    has not recorded yet."""
    from scorehouse.dbt import run_dbt

    before = loop.table("churn_score_history")
    run_dbt(loop.target, "run", "--select", "churn_scores", "churn_score_history", quiet=True)
    after = loop.table("churn_score_history")
    assert len(after) == len(before) == len(loop.table("churn_scores"))


def test_the_sample_seeds_load_with_spark_types(spark_session, tmp_path):
    """``dbt seed`` of the checked-in sample on Spark: the seeds' column types name Spark's
    ``double`` and ``string`` there (``double precision`` and bare ``varchar`` do not parse).
    Last in this module: it replaces raw tables the loop wrote."""
    from scorehouse.dbt import run_dbt

    project = copy_project(tmp_path, {"spark": spark_output(scratch_of(spark_session))})
    run_dbt(
        target_of(project),
        "seed",
        "--select",
        "customers",
        "orders",
        vars={"scorehouse_load_sample": True},
        quiet=True,
    )
    orders = {f.name: f.dataType.simpleString() for f in spark_session.table("raw.orders").schema}
    assert (orders["amount"], orders["category"], orders["order_id"]) == (
        "double",
        "string",
        "bigint",
    )
    customers = spark_session.table("raw.customers")
    lines = (project.root / "seeds" / "customers.csv").read_text().strip().splitlines()
    assert customers.count() == len(lines) - 1


def test_scoring_models_run_without_whole_stage_codegen_and_reset_it(loop, spark_session):
    """The scoring models' hooks switch whole-stage code generation off for the model (the
    fused trees run interpreted otherwise: bench/bench_spark.py) and reset it after."""
    import json

    manifest = json.loads((loop.project.root / "target" / "manifest.json").read_text())
    (node,) = [n for n in manifest["nodes"].values() if n["name"] == "churn_scores"]
    hooks = [h["sql"] for h in node["config"]["pre-hook"] + node["config"]["post-hook"]]
    assert hooks == ["set spark.sql.codegen.wholeStage=false", "reset spark.sql.codegen.wholeStage"]
    assert spark_session.conf.get("spark.sql.codegen.wholeStage") == "true"
