"""End to end: the monitoring models' numbers against numpy and sklearn.metrics.

Each backend gets a copy of the project with a small demo warehouse. Churn (a small model)
is trained on the cutoffs up to 2025-07-01, before the demo's built-in drift starts (see
``scorehouse.demo.drift``); then the features are rebuilt up to 2025-09-01 and the history
gets three scoring runs: 2025-07-01 and 2025-08-01 (var ``scorehouse_score_cutoff``) and the
newest cutoff. ``dbt build`` of the monitoring models follows, and every number they hold
is recomputed here from the same rows, with numpy and scikit-learn, to 1e-9.

The rule baseline (``1.0 - rule_score``, a handful of distinct values) scores most rows
alike, so every ranking metric is checked on heavy ties too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics
from threadpoolctl import threadpool_limits

from scorehouse import pipeline
from scorehouse.dbt import DbtRun, run_dbt
from scorehouse.demo import load_demo
from scorehouse.demo.drift import FIRST_DRIFTED_CUTOFF, NEW_AGE_BANDS
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target
from scorehouse.scoring.compile_models import compile_models
from scorehouse.training.train import train_model
from tests.support.project import (
    Warehouse,
    edit_spec,
    project_on,
    target_of,
)

pytestmark = pytest.mark.slow

CUSTOMERS = 1500
SEED = 11
EXACT = 1e-9
EPSILON = 1e-4  # var scorehouse_psi_epsilon's default
LAST_TRAINING_CUTOFF = "2025-07-01"
BACKFILLED = ("2025-07-01", "2025-08-01")  # scored with var scorehouse_score_cutoff
NEWEST = "2025-09-01"  # scored by default
CUTOFFS = tuple(pd.Timestamp(c) for c in (*BACKFILLED, NEWEST))
FIRST_DRIFTED = pd.Timestamp(FIRST_DRIFTED_CUTOFF)
TABLES = (
    "ml_scores", "ml_drift_bins", "ml_score_bins", "ml_score_drift", "ml_feature_drift",
    "ml_outcomes", "ml_quality", "ml_calibration", "ml_freshness",
)  # fmt: skip


@dataclass
class Lab:
    backend: str
    project: Project
    target: Target
    empty_counts: dict[str, int] = field(default_factory=dict)
    build: DbtRun | None = None
    cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.cache:
            self.cache[name] = Warehouse(self.target).read(self.target.schema, name)
        return self.cache[name].copy()

    def count_rows(self) -> dict[str, int]:
        return {name: len(Warehouse(self.target).read(self.target.schema, name)) for name in TABLES}


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def lab(request, tmp_path_factory) -> Iterator[Lab]:
    backend = request.param
    root = tmp_path_factory.mktemp(f"monitoring-{backend}")
    project = project_on(request, root, "scorehouse_monitoring")
    edit_spec(project, "churn", lambda b: b["estimator"]["model"]["params"].update(max_iter=10))
    lab = Lab(backend, project, target_of(project))
    load_demo(project, lab.target, CUSTOMERS, SEED)
    features = ("--select", "+customer_training")
    run_dbt(
        lab.target,
        "run",
        *features,
        vars={"scorehouse_cutoff_end": LAST_TRAINING_CUTOFF},
        quiet=True,
    )
    # Nothing trained or compiled yet (the purchase spec never will be): the models build empty.
    pipeline.build(project, lab.target, "monitoring", quiet=True)
    lab.empty_counts = lab.count_rows()
    with threadpool_limits(limits=1):
        train_model(project, lab.target, "churn")
    compile_models(project, lab.target, "churn")
    run_dbt(lab.target, "run", *features, quiet=True)
    for cutoff in BACKFILLED:
        run_dbt(
            lab.target,
            "run",
            "--select",
            "path:models/ml",
            vars={"scorehouse_score_cutoff": cutoff},
            quiet=True,
        )
    run_dbt(lab.target, "run", "--select", "path:models/ml", quiet=True)
    lab.build = pipeline.build(project, lab.target, "monitoring", quiet=True)
    yield lab


# ---------------------------------------------------------------------------------------
# What the tests recompute from


def at(frame: pd.DataFrame, cutoff: pd.Timestamp, column: str = "cutoff") -> pd.DataFrame:
    return frame[pd.to_datetime(frame[column]) == cutoff]


def reference(lab: Lab) -> pd.DataFrame:
    bins = lab.table("ml_reference_distributions")
    return bins[(bins["model_name"] == "churn") & (bins["version"] == 1)]


def history(lab: Lab) -> pd.DataFrame:
    return lab.table("churn_score_history")


Shares = dict[int, tuple[float, float]]  # bin -> (actual share, expected share)


def psi(shares: Shares) -> float:
    """PSI = sum of (a - e) * ln(a / e), shares below the epsilon raised to it."""
    pairs = np.array(list(shares.values()), dtype=np.float64)
    a, e = np.maximum(pairs[:, 0], EPSILON), np.maximum(pairs[:, 1], EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def expected_shares(bins: pd.DataFrame) -> dict[int, float]:
    return dict(zip(bins["bin"].astype(int), bins["share"], strict=True))


def numeric_shares(values: pd.Series, bins: pd.DataFrame) -> Shares:
    """Bin b holds lower < x <= upper, so a value's bin is 1 + the number of upper bounds
    strictly below it; NULL is bin 0."""
    x = pd.to_numeric(values).to_numpy(dtype=np.float64)
    present = bins[~bins["is_null"]].sort_values("bin")
    uppers = present["upper_bound"].dropna().to_numpy()
    assert list(present["bin"]) == list(range(1, len(uppers) + 2))
    index = np.where(np.isnan(x), 0, 1 + np.searchsorted(uppers, x, side="left"))
    return {b: (float(np.mean(index == b)), e) for b, e in expected_shares(bins).items()}


def categorical_shares(values: pd.Series, bins: pd.DataFrame) -> tuple[Shares, list[str]]:
    """One bin per category, NULL in bin 0, categories never seen in training in bin -1
    (expected share 0); also those unseen categories, sorted."""
    named = bins[~bins["is_null"]]
    known = dict(zip(named["category"], named["bin"], strict=True))
    text = [None if pd.isna(v) else str(v) for v in values]
    index = np.array([0 if v is None else known.get(v, -1) for v in text])
    expected = {**expected_shares(bins), -1: 0.0}
    shares = {b: (float(np.mean(index == b)), e) for b, e in expected.items()}
    return shares, sorted({v for v, b in zip(text, index, strict=True) if b == -1})


def outcomes(lab: Lab, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The run's scored rows with their matured label and the rule baseline of the row."""
    scores = at(history(lab), cutoff, "cutoff_date")
    training = at(lab.table("customer_training"), cutoff, "cutoff_date")
    training = training[training["churned_60d"].notna()]
    rows = scores.merge(training[["customer_id", "churned_60d", "rule_score"]], on="customer_id")
    rows["y"] = (rows["churned_60d"] == 1).astype(int)
    rows["baseline"] = 1.0 - rows["rule_score"].astype(float)  # the spec's sql: 1.0 - rule_score
    return rows


def top_share_lift(y: np.ndarray, score: np.ndarray, share: float = 0.1) -> tuple[float, bool]:
    """Lift at the top ``share``: n = round(share * rows) rows (Python's round, half to even,
    at least one), rows tied at the cut counting in proportion. Also whether the cut falls
    inside a group of tied scores."""
    n = max(1, int(round(share * len(score))))
    cut = np.sort(score)[::-1][n - 1]
    above, tied = score > cut, score == cut
    hits = y[above].sum() + (n - above.sum()) * y[tied].mean()
    return float(hits / n / y.mean()), bool(above.sum() + tied.sum() > n)


def ntile(n: int, buckets: int = 10) -> np.ndarray:
    """SQL's ntile: the first n % buckets buckets hold one row more."""
    sizes = [n // buckets + (1 if b < n % buckets else 0) for b in range(buckets)]
    return np.repeat(np.arange(1, buckets + 1), sizes)


# ---------------------------------------------------------------------------------------
# Building


def test_models_build_empty_before_anything_is_trained(lab):
    assert lab.empty_counts == dict.fromkeys(TABLES, 0)


def test_only_scored_models_are_monitored(lab):
    # purchase has a spec but was never compiled: it is skipped, not an error
    for name in ("ml_scores", "ml_score_drift", "ml_feature_drift", "ml_quality", "ml_calibration"):
        assert set(lab.table(name)["model_name"]) == {"churn"}, name
    assert set(lab.table("ml_score_drift")["model_version"]) == {1}


def test_ml_scores_is_every_history_row(lab):
    scores, hist = lab.table("ml_scores"), history(lab)
    assert len(scores) == len(hist)
    assert sorted(pd.to_datetime(scores["cutoff"]).unique()) == list(CUTOFFS)
    assert set(scores["entity_id"]) == {str(i) for i in hist["customer_id"]}
    keys = ["customer_id", "cutoff_date"]
    mine = scores.assign(customer_id=scores["entity_id"].astype(int), cutoff_date=scores["cutoff"])
    theirs = hist[[*keys, "score", "decile"]]
    merged = mine.merge(theirs, on=keys, suffixes=("", "_history"))
    assert len(merged) == len(hist)
    assert (merged["score"] == merged["score_history"]).all()
    assert (merged["decile"] == merged["decile_history"]).all()


# ---------------------------------------------------------------------------------------
# Drift


def test_score_psi_and_bins_equal_numpy(lab):
    ref = reference(lab)
    ref = ref[ref["column_name"] == "__score__"]
    drift, bins = lab.table("ml_score_drift"), lab.table("ml_score_bins")
    assert len(drift) == len(CUTOFFS)
    for cutoff in CUTOFFS:
        scores = at(history(lab), cutoff, "cutoff_date")["score"]
        shares = numeric_shares(scores, ref)
        row = at(drift, cutoff).iloc[0]
        assert row["n_rows"] == len(scores)
        assert row["psi"] == pytest.approx(psi(shares), abs=EXACT)
        mine = at(bins, cutoff).set_index("bin")
        assert sorted(mine.index) == sorted(shares)
        for b, (actual, expected) in shares.items():
            assert mine.loc[b, "expected_share"] == pytest.approx(expected, abs=EXACT)
            assert mine.loc[b, "actual_share"] == pytest.approx(actual, abs=EXACT)
        assert mine["psi_term"].sum() == pytest.approx(row["psi"], abs=EXACT)


def test_feature_psi_null_rate_and_new_categories_equal_numpy(lab):
    ref = reference(lab)
    drift = lab.table("ml_feature_drift")
    features = lab.table("customer_features")
    checked = 0
    for cutoff in CUTOFFS:
        rows = at(features, cutoff, "cutoff_date")
        mine = at(drift, cutoff).set_index("feature")
        assert set(mine.index) == set(ref["column_name"]) - {"__score__"}
        for feature, bins in ref[ref["column_name"] != "__score__"].groupby("column_name"):
            row = mine.loc[feature]
            kind = bins["kind"].iloc[0]
            assert row["kind"] == kind
            if kind == "numeric":
                shares, unseen = numeric_shares(rows[feature], bins), []
            else:
                shares, unseen = categorical_shares(rows[feature], bins)
            assert row["psi"] == pytest.approx(psi(shares), abs=EXACT), (cutoff, feature)
            assert row["n_rows"] == len(rows)
            assert row["null_rate"] == pytest.approx(rows[feature].isna().mean(), abs=EXACT)
            assert row["reference_null_rate"] == pytest.approx(shares[0][1], abs=EXACT)
            assert row["new_categories"] == len(unseen)
            examples = row["new_category_examples"]
            assert (None if pd.isna(examples) else examples) == (", ".join(unseen[:5]) or None)
            checked += 1
    assert checked == len(CUTOFFS) * (len(set(ref["column_name"])) - 1)


def test_the_demo_drift_is_detected_from_its_first_cutoff_and_not_before(lab):
    drift = lab.table("ml_feature_drift").set_index("feature")
    for cutoff in CUTOFFS:
        views, age = at(drift, cutoff).loc["product_views_30d"], at(drift, cutoff).loc["age_band"]
        if cutoff >= FIRST_DRIFTED:
            # the double-fired product views
            assert views["psi"] > 0.25, cutoff
            # the signup form's new age bands
            assert age["new_categories"] == len(NEW_AGE_BANDS)
            assert age["new_category_examples"] == ", ".join(sorted(NEW_AGE_BANDS))
        else:
            assert views["psi"] < 0.1, cutoff
            assert age["new_categories"] == 0 and pd.isna(age["new_category_examples"])
    # the warn-level tests on the monitoring models saw it, and the build went on
    warned = {n.name for n in lab.build.nodes if n.status == "warn"}
    assert any(name.startswith("scorehouse_drift_below_ml_feature_drift") for name in warned)
    assert any("ml_feature_drift_new_categories" in name for name in warned)


# ---------------------------------------------------------------------------------------
# Quality


def test_quality_equals_sklearn_on_the_same_rows_ties_included(lab):
    quality = lab.table("ml_quality")
    assert len(quality) == 2 * len(CUTOFFS)
    cut_in_ties = []
    for cutoff in CUTOFFS:
        rows = outcomes(lab, cutoff)
        y = rows["y"].to_numpy()
        mine = at(quality, cutoff).set_index("subject")
        for subject, column in (("model", "score"), ("baseline", "baseline")):
            score = rows[column].to_numpy(dtype=np.float64)
            row = mine.loc[subject]
            assert (row["n_rows"], row["positives"]) == (len(rows), y.sum())
            lift, straddles = top_share_lift(y, score)
            expected = {
                "roc_auc": metrics.roc_auc_score(y, score),
                "pr_auc": metrics.average_precision_score(y, score),
                "brier": metrics.brier_score_loss(y, score),
                "log_loss": metrics.log_loss(y, score, labels=[0, 1]),
                "lift_top_decile": lift,
            }
            for name, value in expected.items():
                assert row[name] == pytest.approx(value, abs=EXACT), (cutoff, subject, name)
            cut_in_ties.append(straddles)
            assert len(np.unique(score)) < len(score)  # tied scores in both subjects
        assert len(np.unique(rows["baseline"])) < len(rows) / 50  # the rule: heavy ties
    assert any(cut_in_ties)  # a tie group straddles the top decile's cut


def test_calibration_per_published_decile_equals_pandas(lab):
    calibration = lab.table("ml_calibration")
    for cutoff in CUTOFFS:
        rows = outcomes(lab, cutoff).sort_values(["score", "customer_id"], ascending=[False, True])
        assert (rows["decile"].to_numpy() == ntile(len(rows))).all()
        expected = rows.groupby("decile").agg(
            n_rows=("y", "size"), mean_predicted=("score", "mean"), observed_rate=("y", "mean")
        )
        mine = at(calibration, cutoff).set_index("decile").sort_index()
        assert list(mine.index) == list(range(1, 11))
        assert (mine["n_rows"] == expected["n_rows"]).all()
        for column in ("mean_predicted", "observed_rate"):
            np.testing.assert_allclose(mine[column], expected[column], rtol=0, atol=EXACT)


# ---------------------------------------------------------------------------------------
# Freshness


def test_freshness_of_a_model_trained_and_scored_today(lab):
    row = lab.table("ml_freshness").set_index("model_name").loc["churn"]
    passport = lab.table("ml_passports").set_index("model_name").loc["churn"]
    assert row["champion_version"] == 1 and row["trained_at"] == passport["trained_at"]
    age = (row["model_age_days"], row["refresh_cadence_days"], bool(row["is_retrain_due"]))
    assert age == (0, 30, False)
    staleness = (row["days_since_scored"], row["max_staleness_days"], bool(row["is_stale"]))
    assert staleness == (0, 35, False)
    last = pd.Timestamp(history(lab)["scored_at"].max())
    last = last.tz_convert("UTC").tz_localize(None) if last.tzinfo else last
    assert pd.Timestamp(row["last_scored_at"]) == last
    assert row["serving"] == "model"


def test_freshness_counts_whole_days_and_flags_breaches(lab):
    """Age the registry and the history by hand: 31 days trained (cadence 30), 40 days
    since the last run (at most 35)."""
    history, passports = (
        f"{lab.target.schema}.{name}" for name in ("churn_score_history", "ml_passports")
    )
    warehouse = Warehouse(lab.target)
    warehouse.execute(
        f"create table {history}_saved as select * from {history}",
        f"update {history} set scored_at = scored_at - interval '40 days'",
        f"update {passports} set trained_at = trained_at - interval '31 days 1 hour'",
    )
    try:
        build = run_dbt(lab.target, "build", "--select", "ml_freshness", quiet=True)
        row = warehouse.read(lab.target.schema, "ml_freshness").set_index("model_name").loc["churn"]
        assert (row["model_age_days"], bool(row["is_retrain_due"])) == (31, True)
        assert (row["days_since_scored"], bool(row["is_stale"])) == (40, True)
        assert any(n.status == "warn" and "freshness_within" in n.name for n in build.nodes)
    finally:
        warehouse.execute(
            f"update {passports} set trained_at = trained_at + interval '31 days 1 hour'",
            f"delete from {history}",
            f"insert into {history} select * from {history}_saved",
            f"drop table {history}_saved",
        )
        run_dbt(lab.target, "build", "--select", "ml_freshness", quiet=True)


# ---------------------------------------------------------------------------------------
# The generic tests, with error severity


GENERIC_TESTS = ("drift_below", "auc_above", "freshness_within")


def test_generic_tests_with_error_severity_stop_the_build(lab):
    """The same tests as shipped, their warnings turned into errors (--warn-error): the
    feature drift of the newest cutoff fails the run; the AUC and freshness tests pass."""
    selected = [arg for name in GENERIC_TESTS for arg in ("--select", f"test_name:{name}")]
    with pytest.raises(ScorehouseError) as failure:
        run_dbt(lab.target, "test", *selected, "--warn-error", quiet=True)
    failed = [line for line in str(failure.value).splitlines() if line.startswith("  test ")]
    assert len(failed) == 1 and "drift_below_ml_feature_drift_psi" in failed[0], failed
