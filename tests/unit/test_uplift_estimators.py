"""The uplift estimators behave like scikit-learn estimators and recover a known uplift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from scorehouse.estimators import ClassTransformationUplift, TwoModelUplift


def _campaign(n: int = 20_000, share: float = 0.5, seed: int = 0):
    """y ~ Bernoulli(expit(base + t·effect(x))): the true uplift is known per row."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    t = (rng.random(n) < share).astype(int)
    base, effect = -0.5 + 0.8 * X.a, 1.2 * X.b

    def p(z):
        return 1 / (1 + np.exp(-z))

    truth = (p(base + effect) - p(base)).to_numpy()
    y = (rng.random(n) < p(base + t * effect)).astype(int)
    return X, y, t, truth


def _lr():
    return make_pipeline(StandardScaler(), LogisticRegression())


@pytest.mark.parametrize(
    "make", [lambda: TwoModelUplift(_lr()), lambda: ClassTransformationUplift(_lr())]
)
def test_estimator_conventions(make):
    X, y, t, _ = _campaign(2000)
    model = make()
    params = model.get_params(deep=False)
    assert clone(model).get_params(deep=False).keys() == params.keys()
    assert not [k for k in vars(model) if k.endswith("_")], "nothing learned before fit"
    assert model.fit(X, y, t) is model
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.n_features_in_ == 2
    uplift = model.predict(X)
    assert uplift.shape == (2000,) and np.all(np.abs(uplift) <= 1)


def test_two_model_is_the_difference_of_its_clones():
    X, y, t, _ = _campaign(3000)
    base = _lr()
    model = TwoModelUplift(base).fit(X, y, t)
    assert model.estimator_treatment_ is not base and model.estimator_control_ is not base
    assert not hasattr(base, "classes_"), "the given estimator is never fitted"
    expected = (
        model.estimator_treatment_.predict_proba(X)[:, 1]
        - model.estimator_control_.predict_proba(X)[:, 1]
    )
    np.testing.assert_array_equal(model.predict(X), expected)


@pytest.mark.parametrize("share", [0.5, 0.8])
def test_both_recover_the_true_uplift(share):
    X, y, t, truth = _campaign(share=share)
    for model in (TwoModelUplift(_lr()), ClassTransformationUplift(_lr())):
        got = model.fit(X, y, t).predict(X)
        assert np.corrcoef(got, truth)[0, 1] > 0.9, type(model).__name__
        assert abs(got.mean() - truth.mean()) < 0.03, type(model).__name__


def test_class_transformation_without_reweighting_refuses_an_unbalanced_split():
    X, y, t, _ = _campaign(3000, share=0.8)
    with pytest.raises(ValueError, match="50/50 split"):
        ClassTransformationUplift(_lr(), reweight=False).fit(X, y, t)
    X, y, t, _ = _campaign(3000, share=0.5)
    ClassTransformationUplift(_lr(), reweight=False).fit(X, y, t)


def test_unweighted_transformation_is_biased_off_a_50_50_split():
    """Why the weights are there: without them an 80/20 split shifts the uplift."""
    X, y, t, truth = _campaign(share=0.8)
    weighted = ClassTransformationUplift(_lr()).fit(X, y, t).predict(X)
    plain = ClassTransformationUplift(_lr(), reweight=False, tolerance=1.0).fit(X, y, t).predict(X)
    assert abs(weighted.mean() - truth.mean()) < abs(plain.mean() - truth.mean())


def test_bad_inputs_are_named():
    X, y, t, _ = _campaign(500)
    with pytest.raises(ValueError, match="treatment must be binary"):
        TwoModelUplift(_lr()).fit(X, y, t * 2)
    with pytest.raises(ValueError, match="control group needs both outcomes"):
        TwoModelUplift(_lr()).fit(X, np.where(t == 1, y, 0), t)
    with pytest.raises(ValueError, match="rows but treatment"):
        TwoModelUplift(_lr()).fit(X, y, t[:-1])


# ------------------------------------------------ the demo: uplift model against churn and RFM

DEMO_CUSTOMERS, DEMO_SEED = 40_000, 3
# the campaigns of the demo split 50/50 between treatment and control
BALANCED_CAMPAIGNS = (1, 4, 5, 7)


def _demo_frame() -> pd.DataFrame:
    """One row per customer targeted by a balanced demo campaign: features as of the day the
    campaign starts (from raw orders, sessions and the customer record), treatment, outcome,
    whether they churned (no order in the 60 days from the start), and the true uplift."""
    import pyarrow as pa

    from scorehouse.demo.campaigns import CAMPAIGNS
    from scorehouse.demo.simulate import generate

    parts: dict[str, list[pa.Table]] = {}
    for batch in generate(DEMO_CUSTOMERS, DEMO_SEED):
        for name, table in batch.items():
            parts.setdefault(name, []).append(table)
    raw = {name: pa.concat_tables(tables).to_pandas() for name, tables in parts.items()}
    orders, sessions, customers = raw["orders"], raw["web_sessions"], raw["customers"]
    assigned = raw["campaign_assignments"].merge(
        raw["truth_uplift"], on=["campaign_id", "customer_id"]
    )
    frames = []
    for campaign in (c for c in CAMPAIGNS if c.campaign_id in BALANCED_CAMPAIGNS):
        start = pd.Timestamp(campaign.start)
        before = orders[orders.ordered_at < start].assign(discounted=lambda o: o.discount > 0)
        recent = before[before.ordered_at >= start - pd.Timedelta(days=90)]
        by_customer = before.groupby("customer_id")
        features = pd.DataFrame(
            {
                "recency_days": (start - by_customer.ordered_at.max()).dt.days,
                "frequency": by_customer.size(),
                "monetary": by_customer.amount.sum(),
                "discount_share": by_customer.discounted.mean(),
                "orders_90d": recent.groupby("customer_id").size(),
                "sessions_90d": sessions[
                    (sessions.started_at < start)
                    & (sessions.started_at >= start - pd.Timedelta(days=90))
                ]
                .groupby("customer_id")
                .size(),
            }
        )
        window = orders[
            (orders.ordered_at >= start) & (orders.ordered_at < start + pd.Timedelta(days=60))
        ]
        rows = (
            assigned[assigned.campaign_id == campaign.campaign_id]
            .merge(features, left_on="customer_id", right_index=True, how="left")
            .merge(customers, on="customer_id")
        )
        rows["tenure_days"] = (start - pd.to_datetime(rows.signup_date)).dt.days
        rows["discount_rate"] = campaign.discount_rate
        rows["sms"] = float(campaign.channel == "sms")
        rows["churned_60d"] = (~rows.customer_id.isin(window.customer_id)).astype(int)
        frames.append(rows)
    frame = pd.concat(frames, ignore_index=True)
    counts = ["frequency", "monetary", "discount_share", "orders_90d", "sessions_90d"]
    frame[counts] = frame[counts].fillna(0.0)
    frame["recency_days"] = frame.recency_days.fillna(10_000.0)  # never ordered
    return frame


def _demo_features(frame: pd.DataFrame) -> pd.DataFrame:
    numeric = ["recency_days", "frequency", "monetary", "discount_share", "orders_90d",
               "sessions_90d", "tenure_days", "discount_rate", "sms"]  # fmt: skip
    categories = frame[["age_band", "acquisition_channel", "region"]]
    return pd.concat([frame[numeric], pd.get_dummies(categories, dtype=float)], axis=1)


def _rfm_rule(frame: pd.DataFrame) -> np.ndarray:
    """The RFM rule of macros/rules/rfm_rule_score.sql: (2R + F + M) / 20 from quintile scores
    (recency: fewer days is better)."""

    def quintile(values: pd.Series, ascending: bool) -> np.ndarray:
        return np.minimum(5, 1 + np.floor(5 * values.rank(pct=True, ascending=ascending)))

    r = quintile(frame.recency_days, ascending=False)
    f = quintile(frame.frequency, ascending=True)
    m = quintile(frame.monetary, ascending=True)
    return ((2 * r + f + m) / 20).to_numpy()


def test_on_the_demo_the_uplift_model_beats_the_churn_score_and_the_rfm_rule():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from scorehouse.metrics.curves import qini_auc_score, true_qini

    frame = _demo_frame()
    X = _demo_features(frame)
    y = frame.converted.astype(int).to_numpy()
    t = (frame.treatment_group == "treatment").astype(int).to_numpy()
    # hold out 40 % of the customers (all their campaigns), chosen at random
    held_out = np.random.default_rng(0).random(DEMO_CUSTOMERS + 1) < 0.4
    test = held_out[frame.customer_id.to_numpy()]
    train = ~test

    scores = {}
    for name, model in (
        ("T-learner (logistic)", TwoModelUplift(_lr())),
        ("class transformation (logistic)", ClassTransformationUplift(_lr())),
    ):
        scores[name] = model.fit(X[train], y[train], t[train]).predict(X[test])
    # the churn model a retention team would target by: trained on the control group only
    control = train & (t == 0)
    churn = HistGradientBoostingClassifier(max_iter=50, max_depth=3, random_state=0)
    churn.fit(X[control], frame.churned_60d[control])
    scores["churn score (riskiest first)"] = churn.predict_proba(X[test])[:, 1]
    rule = _rfm_rule(frame[test])
    scores["RFM rule (lowest first)"] = 1.0 - rule
    scores["RFM rule (best customers first)"] = rule
    truth = frame.true_uplift.to_numpy()[test]
    scores["true uplift (the best possible)"] = truth

    table = {
        name: (qini_auc_score(y[test], s, t[test]), true_qini(truth, s))
        for name, s in scores.items()
    }
    print(f"\nQini on the demo ({test.sum()} held-out targeted customers, seed {DEMO_SEED}):")
    for name, (observed, noise_free) in table.items():
        print(f"  {name:34s} Qini {observed:+.4f}   on the true uplift {noise_free:+.4f}")
    uplift = table["T-learner (logistic)"]
    rivals = [k for k in table if k.startswith(("churn", "RFM"))]
    best_rival = max(rivals, key=lambda k: table[k][0])
    print(
        f"  the T-learner beats the best of churn and RFM ({best_rival}) by "
        f"{uplift[0] - table[best_rival][0]:+.4f} Qini"
    )
    for rival in rivals:
        # on the outcomes observed (noisy) and on the true uplift (noise-free)
        assert uplift[0] > table[rival][0] + 0.03, rival
        assert uplift[1] > table[rival][1] + 0.1, rival
    assert table["class transformation (logistic)"][1] > max(table[r][1] for r in rivals)


def test_the_local_qini_is_scikit_uplifts():
    sklift = pytest.importorskip("sklift.metrics")
    from scorehouse.metrics.curves import qini_auc_score, uplift_auc_score

    rng = np.random.default_rng(1)
    for ties in (False, True):
        y, t = rng.integers(0, 2, 3000), rng.integers(0, 2, 3000)
        s = rng.random(3000)
        s = np.round(s, 2) if ties else s
        assert abs(qini_auc_score(y, s, t) - sklift.qini_auc_score(y, s, t)) < 1e-9
        assert abs(uplift_auc_score(y, s, t) - sklift.uplift_auc_score(y, s, t)) < 1e-9


# ------------------------------------------------- training an uplift model through the spec


def _uplift_spec() -> dict:
    from tests.support.project import TOY_SPEC

    spec = {**TOY_SPEC, "task": "uplift", "description": "Whose mind the toy offer changes."}
    spec["data"] = {**TOY_SPEC["data"], "relation": "toy_campaigns", "label": "converted",
                    "treatment": "treated", "features": {"numeric": ["x1", "x2"]}}  # fmt: skip
    spec["estimator"] = {**TOY_SPEC["estimator"], "uplift": "two_model"}
    spec["metrics"] = {"primary": "qini"}
    spec["sla"] = {**TOY_SPEC["sla"], "degradation": []}
    return spec


def _toy_campaigns(n: int = 3000) -> pd.DataFrame:
    """Three campaigns (cutoffs), randomised 50/50; x2 drives the uplift, the rule ranks by x1."""
    X, y, t, _ = _campaign(n, seed=4)
    cutoffs = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]).date
    return pd.DataFrame(
        {"customer_id": np.arange(n), "cutoff_date": np.array(cutoffs)[np.arange(n) % 3],
         "x1": X.a, "x2": X.b, "rule_score": X.a, "treated": t, "converted": y}
    )  # fmt: skip


def test_an_uplift_model_trains_through_the_spec_and_its_sql_scores_uplift(tmp_path):
    import duckdb
    import joblib

    from scorehouse.project import find_project
    from scorehouse.spec import load_spec
    from scorehouse.training.train import train_model
    from tests.support.project import duckdb_output, target_of, write_profile, write_spec

    (tmp_path / "dbt_project.yml").write_text("name: scorehouse\nprofile: scorehouse\n")
    write_profile(tmp_path, {"duckdb": duckdb_output(tmp_path / "warehouse.duckdb", threads=1)})
    write_spec(tmp_path / "models", "toy_uplift", _uplift_spec())
    # the relation the spec names, as a model of the project (the test writes its table)
    (tmp_path / "models" / "toy_campaigns.sql").write_text("select * from toy_campaigns_loaded\n")
    rows = _toy_campaigns()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE TABLE toy_campaigns AS SELECT * FROM rows")
    con.close()
    project = find_project(tmp_path)

    spec = load_spec(project.model_paths, "toy_uplift")
    assert (spec.task, spec.data.treatment, spec.primary_metric) == ("uplift", "treated", "qini")
    result = train_model(project, target_of(project), "toy_uplift")
    model = {m.name: m.value for m in result.model_metrics if m.at is None}
    rule = {m.name: m.value for m in result.baseline_metrics if m.at is None}
    assert model["qini"] > rule["qini"] and result.beats_baseline
    assert result.status == "champion"

    estimator = joblib.load(result.artifact_dir / "pipeline.joblib")
    assert isinstance(estimator, TwoModelUplift)
    sql = (result.artifact_dir / "scoring.sql").read_text()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    scored = con.execute(sql).df().sort_values("customer_id")
    con.close()
    assert list(scored.columns) == ["customer_id", "cutoff_date", "uplift"]
    expected = estimator.predict(rows.sort_values("customer_id")[["x1", "x2"]])
    np.testing.assert_allclose(scored.uplift.to_numpy(), expected, rtol=0, atol=1e-12)

    # the dbt scores model of an uplift model carries the uplift as its score
    from scorehouse.scoring.generate import scores_model

    champion = {"version": result.version, "artifact_dir": str(result.artifact_dir),
                "trained_at": "2025-03-02"}  # fmt: skip
    generated = scores_model(spec, champion, [], "duckdb", estimator)
    assert "uplift as score" in generated


def test_an_uplift_spec_needs_its_treatment_column(tmp_path):
    from scorehouse.spec import SpecError, load_spec
    from tests.support.project import write_spec

    spec = _uplift_spec()
    spec["data"] = {k: v for k, v in spec["data"].items() if k != "treatment"}
    write_spec(tmp_path / "models", "toy_uplift", spec)
    with pytest.raises(SpecError, match=r"data\.treatment: required for task uplift"):
        load_spec([tmp_path / "models"], "toy_uplift")
