"""End to end: demo warehouse → dbt features → train → compile → ``dbt build`` scores.

Each backend gets a copy of the project (a git repository of its own, so the recorded
commit can be checked) with small models. The scores dbt writes must equal the pipeline's
own ``predict_proba`` on the same rows to 1e-12; the registry's metrics must equal
``sklearn.metrics`` recomputed on the holdout rows.

The tests of one backend share its warehouse and run in file order: the later ones
(history, shadow, fallback, stale model) change the registry and each says what it leaves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pandas as pd
import pytest
import sklearn
from sklearn import metrics
from threadpoolctl import threadpool_limits

from scorehouse import pipeline
from scorehouse.dbt import DbtRun, run_dbt
from scorehouse.demo import load_demo
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target
from scorehouse.registry import artifacts
from scorehouse.registry.versions import Registry
from scorehouse.scoring.compile_models import compile_models
from scorehouse.spec import Spec, load_spec
from scorehouse.training.data import normalise, read_training_rows
from scorehouse.training.train import TrainResult, train_model
from tests.support.project import (
    Warehouse,
    edit_spec,
    project_on,
    target_of,
)

pytestmark = pytest.mark.slow

CUSTOMERS = 1500
SEED = 11
EXACT = 1e-12
FEATURE_MODELS = ("--select", "+customer_training")


def small_model(max_iter: int, learning_rate: float = 0.1):
    def change(block: dict[str, Any]) -> None:
        block["estimator"]["model"]["params"].update(max_iter=max_iter, learning_rate=learning_rate)

    return change


def git_snapshot(folder: Path) -> str:
    """Make ``folder`` a git repository with one commit; returns the commit."""
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "project copy"]):
        subprocess.run([*git, *args], cwd=folder, check=True, capture_output=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], cwd=folder, check=True, capture_output=True)
    return head.stdout.decode().strip()


@dataclass
class Lab:
    """One backend's project, warehouse and what the first training produced."""

    backend: str
    project: Project
    target: Target
    commit: str
    trained: dict[str, TrainResult] = field(default_factory=dict)

    @property
    def schema(self) -> str:
        return self.target.schema

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(self.target)

    def spec(self, name: str = "churn") -> Spec:
        return load_spec(self.project.model_paths, name)

    def table(self, name: str) -> pd.DataFrame:
        return self.warehouse.read(self.schema, name)

    def score(self) -> DbtRun:
        return pipeline.build(self.project, self.target, "score", quiet=True)

    def compile(self, name: str = "churn") -> list[Path]:
        return compile_models(self.project, self.target, name)

    @contextlib.contextmanager
    def registry(self) -> Iterator[Registry]:
        con = connect(self.target)
        try:
            yield Registry(con, self.schema)
        finally:
            con.close()

    def latest_rows(self, spec: Spec) -> pd.DataFrame:
        """The newest cutoff's rows of the relation the model scores, normalised as training
        normalises them (NULL categories as NaN)."""
        frame = self.table(spec.data.score_relation)
        cutoff = spec.data.cutoff
        frame = frame[frame[cutoff] == frame[cutoff].max()]
        return by_key(normalise(frame, spec), spec)

    def holdout_rows(self, spec: Spec) -> pd.DataFrame:
        """The rows with a known label at the newest labelled cutoff."""
        d = spec.data
        frame = self.table(d.relation)
        frame = normalise(frame[frame[d.label].notna()], spec)
        return by_key(frame[frame[d.cutoff] == frame[d.cutoff].max()], spec)


def by_key(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    return frame.sort_values(spec.data.entity_key).reset_index(drop=True)


def pipeline_of(row: dict[str, Any] | TrainResult) -> Any:
    folder = row.artifact_dir if isinstance(row, TrainResult) else row["artifact_dir"]
    return artifacts.load_pipeline(folder)


def probability(pipeline: Any, spec: Spec, rows: pd.DataFrame) -> np.ndarray:
    return pipeline.predict_proba(rows[list(spec.data.features)])[:, 1]


def ntile(n: int, buckets: int = 10) -> np.ndarray:
    """SQL's ntile: the first n % buckets buckets hold one row more."""
    sizes = [n // buckets + (1 if b < n % buckets else 0) for b in range(buckets)]
    return np.repeat(np.arange(1, buckets + 1), sizes)


def scores_table(lab: Lab, name: str, spec: Spec) -> pd.DataFrame:
    return by_key(lab.table(name), spec)


def assert_scored_by_pipeline(
    scores: pd.DataFrame, rows: pd.DataFrame, pipeline: Any, spec: Spec
) -> None:
    """``scores`` (a scores table) holds ``pipeline``'s predict_proba and predict of ``rows``."""
    key = spec.data.entity_key
    assert list(scores[key]) == list(rows[key])
    assert len(scores) > 1000
    X = rows[list(spec.data.features)]
    np.testing.assert_allclose(
        scores["score"].to_numpy(), pipeline.predict_proba(X)[:, 1], rtol=0, atol=EXACT
    )
    assert (scores["label"].to_numpy() == pipeline.predict(X)).all()
    assert (pd.to_datetime(scores[spec.data.cutoff]) == rows[spec.data.cutoff]).all()


# ---------------------------------------------------------------------------------------
# The warehouse of each backend, built once


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """The machine has two shared cores: OpenMP's default oversubscribes them (scikit-learn's
    gradient boosting fits ten times slower under load)."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def lab(request, tmp_path_factory) -> Lab:
    backend = request.param
    root = tmp_path_factory.mktemp(f"lifecycle-{backend}")
    project = project_on(request, root, "scorehouse_lifecycle")
    edit_spec(project, "churn", small_model(max_iter=20))
    lab = Lab(backend, project, target_of(project), git_snapshot(root))

    load_demo(project, lab.target, CUSTOMERS, SEED)
    run_dbt(lab.target, "run", *FEATURE_MODELS, quiet=True)
    # Purchase (a scaled logistic regression) on DuckDB only, to keep the suite short.
    names = ("churn", "purchase") if backend == "duckdb" else ("churn",)
    for name in names:
        lab.trained[name] = train_model(project, lab.target, name)
        lab.compile(name)
    run = lab.score()
    assert not [node.name for node in run.nodes if node.failed]
    return lab


# ---------------------------------------------------------------------------------------
# Scores, registry, passport, artifacts


def test_scores_equal_the_pipelines_predictions(lab):
    for name, result in lab.trained.items():
        spec = lab.spec(name)
        assert result.version == 1 and result.status == "champion"
        scores = scores_table(lab, f"{name}_scores", spec)
        rows = lab.latest_rows(spec)
        assert_scored_by_pipeline(scores, rows, pipeline_of(result), spec)
        assert set(scores["model_name"]) == {name}
        assert set(scores["model_version"]) == {1}
        assert set(scores["scored_by"]) == {"model"}
        assert scores["scored_at"].notna().all()
        assert rows[spec.data.cutoff].max() == pd.Timestamp("2025-09-01")

        ranked = scores.sort_values(["score", spec.data.entity_key], ascending=[False, True])
        assert (ranked["decile"].to_numpy() == ntile(len(ranked))).all()


def test_versions_row_records_lineage(lab):
    spec = lab.spec()
    versions = lab.table("ml_model_versions")
    row = versions[(versions["model_name"] == "churn") & (versions["version"] == 1)].iloc[0]
    recorded = Path(row["artifact_dir"])
    assert recorded.parts[0] == "artifacts" and recorded.parts[2:] == ("churn", "v1")
    folder = artifacts.verified_dir(lab.project.root, row.to_dict())
    assert row["status"] == "champion" and row["task"] == "binary"
    assert row["git_commit"] == lab.commit
    assert row["spec_hash"] == spec.digest()
    sql = (folder / artifacts.SQL_FILE).read_text()
    assert row["sql_hash"] == hashlib.sha256(sql.rstrip("\n").encode()).hexdigest()
    con = connect(lab.target)
    try:
        rows = read_training_rows(con, spec, lab.schema)
    finally:
        con.close()
    assert row["data_hash"] == artifacts.frame_digest(rows)  # same rows, same hash
    libraries = json.loads(row["library_versions"])
    assert libraries["scikit-learn"] == sklearn.__version__
    assert {"numpy", "pandas", "sqlglot", "onnx", "skl2onnx", "dbt-core"} <= set(libraries)
    assert json.loads(row["features"]) == list(spec.data.features)
    assert json.loads(row["classes"]) == [0, 1]
    assert row["holdout_cutoffs"] == "2025-09-01"
    assert row["train_cutoffs"].split(",")[0] == "2025-01-01"
    holdout = lab.holdout_rows(spec)
    assert row["holdout_rows"] == len(holdout)

    metadata = json.loads((folder / artifacts.METADATA_FILE).read_text())
    assert metadata["hashes"] == {
        "spec": row["spec_hash"],
        "data": row["data_hash"],
        "sql": row["sql_hash"],
    }
    assert metadata["git_commit"] == lab.commit
    assert metadata["library_versions"] == libraries


def lift_and_capture(y: np.ndarray, score: np.ndarray, share: float) -> tuple[float, float]:
    """Lift and capture of the top ``share`` by score, a group of tied scores straddling the
    cut counting for the part of it inside (what a random pick among the ties gives)."""
    n = int(round(share * len(score)))
    ranks = pd.Series(-score)
    first, last = ranks.rank(method="min").to_numpy(), ranks.rank(method="max").to_numpy()
    inside = np.clip(n - first + 1, 0, last - first + 1) / (last - first + 1)
    hits = (inside * y).sum()
    return hits / n / y.mean(), hits / y.sum()


def expected_metrics(y: np.ndarray, score: np.ndarray) -> dict[tuple[str, float | None], float]:
    out = {
        ("roc_auc", None): metrics.roc_auc_score(y, score),
        ("pr_auc", None): metrics.average_precision_score(y, score),
        ("log_loss", None): metrics.log_loss(y, score),
        ("brier", None): metrics.brier_score_loss(y, score),
    }
    for share in (0.1, 0.2, 0.3):
        out[("lift", share)], out[("capture", share)] = lift_and_capture(y, score, share)
    return out


def test_metrics_agree_with_sklearn_on_the_holdout(lab):
    spec = lab.spec()
    holdout = lab.holdout_rows(spec)
    y = holdout[spec.data.label].to_numpy(dtype=float)
    scores = {
        "model": probability(pipeline_of(lab.trained["churn"]), spec, holdout),
        "baseline": 1.0 - holdout["rule_score"].to_numpy(),  # the spec's rule: 1.0 - rule_score
    }
    recorded = lab.table("ml_metrics")
    recorded = recorded[(recorded["model_name"] == "churn") & (recorded["version"] == 1)]
    assert set(recorded["split"]) == {"holdout"}
    for subject, score in scores.items():
        mine = recorded[recorded["subject"] == subject]
        for (name, at), value in expected_metrics(y, score).items():
            match = mine[
                (mine["metric"] == name) & (mine["at"].isna() if at is None else mine["at"] == at)
            ]
            assert len(match) == 1, (subject, name, at)
            assert match["value"].iloc[0] == pytest.approx(value, rel=1e-9), (subject, name, at)
        # The calibration table: ten bins of rising predicted score, which average back to
        # the mean score and the base rate.
        predicted = mine[mine["metric"] == "calibration_predicted"].sort_values("at")
        observed = mine[mine["metric"] == "calibration_observed"].sort_values("at")
        assert list(predicted["at"]) == list(observed["at"]) == list(range(1, 11))
        sizes = [len(part) for part in np.array_split(np.arange(len(y)), 10)]
        assert np.dot(predicted["value"], sizes) / len(y) == pytest.approx(score.mean())
        assert np.dot(observed["value"], sizes) / len(y) == pytest.approx(y.mean())
        assert (np.diff(predicted["value"]) >= 0).all()

    versions = lab.table("ml_model_versions")
    row = versions[(versions["model_name"] == "churn") & (versions["version"] == 1)].iloc[0]
    auc = {s: metrics.roc_auc_score(y, v) for s, v in scores.items()}
    assert row["model_value"] == pytest.approx(auc["model"], rel=1e-9)
    assert row["baseline_value"] == pytest.approx(auc["baseline"], rel=1e-9)
    assert bool(row["beats_baseline"]) == (auc["model"] > auc["baseline"])


def test_reference_distributions(lab):
    spec = lab.spec()
    bins = lab.table("ml_reference_distributions")
    bins = bins[(bins["model_name"] == "churn") & (bins["version"] == 1)]
    assert set(bins["column_name"]) == {*spec.data.features, "__score__"}
    for column, shares in bins.groupby("column_name")["share"]:
        assert shares.sum() == pytest.approx(1.0, abs=1e-9), column
    assert set(bins.loc[bins["column_name"] == "__score__", "kind"]) == {"score"}

    con = connect(lab.target)
    try:
        rows = read_training_rows(con, spec, lab.schema)
    finally:
        con.close()
    # Numeric bins hold lower < x <= upper, the first open below, the last open above.
    recency = bins[(bins["column_name"] == "recency_days") & ~bins["is_null"]]
    x = rows["recency_days"]
    for _, b in recency.iterrows():
        inside = x.notna()
        if pd.notna(b["lower_bound"]):
            inside &= x > b["lower_bound"]
        if pd.notna(b["upper_bound"]):
            inside &= x <= b["upper_bound"]
        assert b["share"] == pytest.approx(inside.mean(), abs=1e-12)
    null_share = bins[(bins["column_name"] == "recency_days") & bins["is_null"]]["share"]
    assert null_share.iloc[0] == pytest.approx(x.isna().mean(), abs=1e-12)
    assert null_share.iloc[0] > 0  # never-buyers have no recency

    region = bins[(bins["column_name"] == "region") & ~bins["is_null"]]
    expected = rows["region"].value_counts() / len(rows)
    assert dict(zip(region["category"], region["share"], strict=True)) == pytest.approx(
        expected.to_dict()
    )


def test_passport(lab):
    spec = lab.spec()
    passports = lab.table("ml_passports").set_index("model_name")
    assert set(passports.index) == set(lab.trained)
    p = passports.loc["churn"]
    assert p["champion_version"] == 1 and pd.isna(p["challenger_version"])
    assert (p["serving"], p["serving_reason"]) == ("model", "")
    assert p["owner"] == spec.people.owner
    assert p["kill_switch_owner"] == "head-of-crm@retailer.example"
    assert json.loads(p["decisions"]) == list(spec.decisions)
    assert p["refresh_cadence_days"] == 30 and p["max_staleness_days"] == 35
    assert p["on_breach"] == "fallback" and p["alert_channel"] == "#crm-models"
    assert json.loads(p["degradation_rules"]) == [
        "roc_auc below the passport's value minus 0.05",
        "score_psi above 0.25",
    ]
    assert p["due_at"] - p["trained_at"] == pd.Timedelta(days=30)
    versions = lab.table("ml_model_versions").set_index(["model_name", "version"])
    v1 = versions.loc[("churn", 1)]
    assert p["trained_at"] == v1["trained_at"]
    assert (p["model_value"], p["baseline_value"]) == (v1["model_value"], v1["baseline_value"])
    assert p["baseline_name"] == "rfm_rule"
    assert p["maintenance_cost_per_month"] == 400 and p["currency"] == "EUR"


def test_onnx_export(lab):
    spec = lab.spec()
    path = lab.trained["churn"].artifact_dir / artifacts.ONNX_FILE
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == list(spec.data.features)
    if "purchase" in lab.trained:
        # skl2onnx has no FunctionTransformer(log1p): the version registers without ONNX.
        folder = lab.trained["purchase"].artifact_dir
        assert not (folder / artifacts.ONNX_FILE).exists()
        meta = json.loads((folder / artifacts.METADATA_FILE).read_text())
        assert "FunctionTransformer" in meta["onnx_error"]


def test_generated_models_say_they_are_generated(lab):
    folder = lab.project.generated_dir
    for path in folder.glob("churn_*"):
        assert "Generated by `scorehouse compile churn`" in path.read_text().splitlines()[0]
    assert not (folder / "churn_shadow_scores.sql").exists()


# ---------------------------------------------------------------------------------------
# History, shadow scoring, promote and rollback


def history_keys(lab: Lab) -> pd.DataFrame:
    keys = ["customer_id", "cutoff_date", "model_name", "model_version", "scored_by"]
    return lab.table("churn_score_history")[keys]


def test_rerunning_the_same_cutoff_adds_no_history_rows(lab):
    before = history_keys(lab)
    scores = lab.table("churn_scores")
    assert len(before) == len(scores)
    lab.score()
    after = history_keys(lab)
    assert len(after) == len(before)
    assert not after.duplicated().any()
    assert set(after["model_version"]) == {1}


def test_challenger_is_shadow_scored_then_promoted_and_rolled_back(lab):
    """Leaves v1 champion again and v2 retired."""
    spec_v1 = lab.spec()
    edit_spec(lab.project, "churn", small_model(max_iter=10, learning_rate=0.3))
    v2 = train_model(lab.project, lab.target, "churn")
    assert (v2.version, v2.status) == (2, "challenger")
    spec = lab.spec()
    assert spec.digest() != spec_v1.digest()
    written = lab.compile()
    assert lab.project.generated_dir / "churn_shadow_scores.sql" in written
    lab.score()

    rows = lab.latest_rows(spec)
    v1_pipeline, v2_pipeline = pipeline_of(lab.trained["churn"]), pipeline_of(v2)
    assert (
        np.abs(probability(v1_pipeline, spec, rows) - probability(v2_pipeline, spec, rows)).max()
        > 0.01
    )
    shadow = scores_table(lab, "churn_shadow_scores", spec)
    assert_scored_by_pipeline(shadow, rows, v2_pipeline, spec)
    assert set(shadow["model_version"]) == {2} and set(shadow["scored_by"]) == {"shadow"}
    champion = scores_table(lab, "churn_scores", spec)
    assert_scored_by_pipeline(champion, rows, v1_pipeline, spec)
    assert lab.table("ml_passports").set_index("model_name").loc["churn", "challenger_version"] == 2

    with lab.registry() as registry:
        registry.promote(spec, 2)
    lab.compile()
    assert not (lab.project.generated_dir / "churn_shadow_scores.sql").exists()
    lab.score()
    scores = scores_table(lab, "churn_scores", spec)
    assert_scored_by_pipeline(scores, rows, v2_pipeline, spec)
    assert set(scores["model_version"]) == {2}
    with lab.registry() as registry:
        assert [(v["version"], v["status"]) for v in registry.versions("churn")] == [
            (1, "retired"),
            (2, "champion"),
        ]
        assert registry.rollback(spec) == 1
    lab.compile()
    lab.score()
    scores = scores_table(lab, "churn_scores", spec)
    assert_scored_by_pipeline(scores, rows, v1_pipeline, spec)
    assert set(scores["model_version"]) == {1}
    passport = lab.table("ml_passports").set_index("model_name").loc["churn"]
    assert passport["champion_version"] == 1 and pd.isna(passport["challenger_version"])

    history = history_keys(lab)
    assert not history.duplicated().any()
    assert history.groupby("model_version").size().to_dict() == {1: len(rows), 2: len(rows)}


# ---------------------------------------------------------------------------------------
# Fallback to the rule, switching off, and a stale generated model


def test_fallback_to_the_rule_then_off_then_back(lab):
    spec = lab.spec()
    rows = lab.latest_rows(spec)
    with lab.registry() as registry:
        registry.set_serving(spec, "rule", "roc_auc fell below the passport's value minus 0.05")
    lab.score()
    scores = scores_table(lab, "churn_scores", spec)
    assert list(scores["customer_id"]) == list(rows["customer_id"])
    assert set(scores["scored_by"]) == {"rule"} and set(scores["model_version"]) == {0}
    rule = 1.0 - rows["rule_score"].to_numpy()  # the spec's baseline sql: 1.0 - rule_score
    np.testing.assert_allclose(scores["score"], rule, rtol=0, atol=EXACT)
    assert (scores["label"] == (rule >= 0.5).astype(int)).all()
    passport = lab.table("ml_passports").set_index("model_name").loc["churn"]
    assert passport["serving"] == "rule"
    assert passport["serving_reason"] == "roc_auc fell below the passport's value minus 0.05"
    assert passport["champion_version"] == 1  # the champion stays; only serving changed

    with lab.registry() as registry:
        registry.set_serving(spec, "off", "switched off by the kill-switch owner")
    lab.score()
    assert len(lab.table("churn_scores")) == 0
    passport = lab.table("ml_passports").set_index("model_name").loc["churn"]
    assert (passport["serving"], passport["serving_reason"]) == (
        "off",
        "switched off by the kill-switch owner",
    )

    with lab.registry() as registry:
        registry.set_serving(spec, "model", "")
    lab.score()
    scores = scores_table(lab, "churn_scores", spec)
    assert_scored_by_pipeline(scores, rows, pipeline_of(lab.trained["churn"]), spec)
    history = history_keys(lab)
    assert not history.duplicated().any()
    assert (history["scored_by"] == "rule").sum() == len(rows)


def test_stale_generated_model_stops_dbt(lab):
    """A champion promoted without `scorehouse compile` must not be scored by the old SQL."""
    spec = lab.spec()
    with lab.registry() as registry:
        registry.promote(spec, 2)
    with pytest.raises(
        ScorehouseError,
        match=r"generated from version 1 but the champion is version 2.*scorehouse compile churn",
    ):
        lab.score()
    lab.compile()
    lab.score()
    assert set(lab.table("churn_scores")["model_version"]) == {2}
