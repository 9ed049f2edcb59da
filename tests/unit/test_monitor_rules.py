"""SLA rules, alert planning and the kill switch's decisions, on observations built by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from scorehouse.loop import gate, is_due
from scorehouse.metrics.quality import Metric
from scorehouse.monitoring.actions import serving_after
from scorehouse.monitoring.alerts import new_alert, plan
from scorehouse.monitoring.observe import Observations
from scorehouse.monitoring.rules import (
    BREACH,
    ERROR,
    INVALID,
    METRICS,
    NO_DATA,
    OK,
    SKIPPED,
    WARNING,
    evaluate,
)
from scorehouse.spec import DEGRADATION_METRICS, SpecError
from scorehouse.training.train import TrainResult
from tests.unit.test_monitor_fixtures import make_spec

CUTOFF = dt.date(2025, 9, 1)
MATURED = dt.date(2025, 7, 1)


def observations(
    auc: float | None = 0.79,
    rule_auc: float = 0.70,
    score_psi: float | None = 0.05,
    feature_psi: dict[str, float] | None = None,
    stale: bool | None = False,
    due: bool = False,
    version: int = 1,
) -> Observations:
    quality = {}
    if auc is not None:
        quality = {
            "model": {
                "cutoff": MATURED,
                "n_rows": 900,
                "roc_auc": auc,
                "pr_auc": 0.3,
                "brier": 0.1,
                "lift_top_decile": 2.0,
            },
            "baseline": {
                "cutoff": MATURED,
                "n_rows": 900,
                "roc_auc": rule_auc,
                "pr_auc": 0.2,
                "brier": 0.2,
                "lift_top_decile": 1.5,
            },
        }
    features = [
        {
            "cutoff": CUTOFF,
            "feature": name,
            "psi": psi,
            "null_rate": 0.1,
            "reference_null_rate": 0.05,
            "new_categories": 0,
            "new_category_examples": "",
        }
        for name, psi in (feature_psi or {"x1": 0.01, "x2": 0.02}).items()
    ]
    freshness = None
    if stale is not None:
        freshness = {
            "is_stale": stale,
            "days_since_scored": 40 if stale else 3,
            "max_staleness_days": 35,
            "is_retrain_due": due,
            "model_age_days": 45 if due else 10,
            "refresh_cadence_days": 30,
        }
    return Observations(
        model="toy",
        version=version,
        score_drift=None
        if score_psi is None
        else {"cutoff": CUTOFF, "n_rows": 1000, "psi": score_psi},
        feature_drift=features,
        quality=quality,
        freshness=freshness,
        passport={"roc_auc": 0.80, "pr_auc": 0.4},
    )


def by_rule(findings):
    return {f.rule: f for f in findings}


def test_a_healthy_model_keeps_every_rule():
    findings = by_rule(evaluate(make_spec(), observations(), "model"))
    assert list(findings) == [
        "roc_auc below_passport_minus 0.05",
        "score_psi above 0.25",
        "feature_psi above 0.2",
        "stale",
        "retrain_due",
    ]
    assert {f.state for f in findings.values()} == {OK}
    auc = findings["roc_auc below_passport_minus 0.05"]
    assert auc.threshold == pytest.approx(0.75) and auc.observed == 0.79 and auc.cutoff == MATURED
    assert auc.severity == ERROR and auc.on_breach == "fallback"
    assert auc.description == "roc_auc below the passport's value minus 0.05"


def test_auc_below_the_passport_minus_the_margin_breaks_the_rule():
    f = by_rule(evaluate(make_spec(), observations(auc=0.7499), "model"))[
        "roc_auc below_passport_minus 0.05"
    ]
    assert f.state == BREACH and f.observed == 0.7499 and f.threshold == pytest.approx(0.75)
    # exactly at the threshold is not below it
    at = by_rule(evaluate(make_spec(), observations(auc=0.80 - 0.05), "model"))
    assert at["roc_auc below_passport_minus 0.05"].state == OK


def test_psi_rules_take_the_score_and_the_worst_feature():
    found = by_rule(
        evaluate(
            make_spec(), observations(score_psi=0.31, feature_psi={"x1": 0.5, "x2": 0.21}), "model"
        )
    )
    assert found["score_psi above 0.25"].state == BREACH
    assert (
        found["score_psi above 0.25"].observed == 0.31
        and found["score_psi above 0.25"].cutoff == CUTOFF
    )
    feature = found["feature_psi above 0.2"]
    assert feature.state == BREACH and feature.observed == 0.5 and "PSI of x1" in feature.detail


def test_below_and_margin_over_the_rule():
    spec = make_spec(
        degradation=[
            {"metric": "roc_auc_over_rule", "below": 0.0},
            {"metric": "lift_top_decile", "below": 2.5},
            {"metric": "null_rate_increase", "above": 0.02},
        ]
    )
    found = by_rule(evaluate(spec, observations(auc=0.69, rule_auc=0.70), "model"))
    margin = found["roc_auc_over_rule below 0"]
    assert margin.state == BREACH and margin.observed == pytest.approx(-0.01)
    assert "model 0.6900, rule 0.7000" in margin.detail
    assert found["lift_top_decile below 2.5"].state == BREACH
    increase = found["null_rate_increase above 0.02"]
    assert increase.state == BREACH and increase.observed == pytest.approx(0.05)


def test_a_rule_on_an_unknown_metric_is_refused_with_the_spec():
    with pytest.raises(SpecError, match=r"degradation\[0\].metric: 'roc_aucc' is not one of"):
        make_spec(degradation=[{"metric": "roc_aucc", "below": 0.5}])


def test_the_spec_and_the_monitor_know_the_same_metrics():
    assert set(METRICS) == set(DEGRADATION_METRICS)


def test_rules_that_cannot_be_evaluated_say_why():
    spec = make_spec(
        degradation=[
            {"metric": "score_psi", "below_passport_minus": 0.1},
            {"metric": "roc_auc", "below": 0.7},
        ]
    )
    found = by_rule(evaluate(spec, observations(auc=None), "model"))
    assert found["score_psi below_passport_minus 0.1"].state == INVALID
    assert "records no score_psi" in found["score_psi below_passport_minus 0.1"].detail
    # no matured labels yet: not a breach, not a recovery
    assert found["roc_auc below 0.7"].state == NO_DATA
    nan = by_rule(evaluate(spec, observations(auc=math.nan), "model"))
    assert nan["roc_auc below 0.7"].state == NO_DATA


def test_freshness_rules():
    found = by_rule(evaluate(make_spec(), observations(stale=True, due=True), "model"))
    stale, due = found["stale"], found["retrain_due"]
    assert (stale.state, stale.severity, stale.observed, stale.threshold) == (BREACH, ERROR, 40, 35)
    assert (due.state, due.severity, due.observed, due.threshold) == (BREACH, WARNING, 45, 30)
    assert stale.on_breach == due.on_breach == "alert"  # falling back fixes neither
    switched_off = by_rule(evaluate(make_spec(), observations(stale=True), "off"))
    assert switched_off["stale"].state == SKIPPED
    missing = by_rule(evaluate(make_spec(), observations(stale=None), "model"))
    assert missing["stale"].state == missing["retrain_due"].state == NO_DATA


# ---------------------------------------------------------------------------------------
# Planning alerts: dedupe, resolution


AT = dt.datetime(2025, 9, 3, 6, 0)


def open_alerts(findings):
    return [new_alert(f, "alert", AT, "pending") for f in findings if f.state == BREACH]


def test_a_breach_already_open_is_not_opened_again():
    spec = make_spec()
    first = evaluate(spec, observations(auc=0.6, score_psi=0.3), "model")
    todo = plan([], first)
    assert sorted(f.rule for f in todo.new) == [
        "roc_auc below_passport_minus 0.05",
        "score_psi above 0.25",
    ]
    existing = open_alerts(first)
    again = plan(existing, evaluate(spec, observations(auc=0.61, score_psi=0.3), "rule"))
    assert again.new == [] and again.resolved == []
    assert sorted(a.rule for a, _ in again.continuing) == sorted(a.rule for a in existing)


def test_an_alert_resolves_when_no_longer_observed_and_stays_open_without_data():
    spec = make_spec()
    existing = open_alerts(evaluate(spec, observations(auc=0.6, score_psi=0.3), "model"))
    todo = plan(existing, evaluate(spec, observations(auc=None, score_psi=0.1), "model"))
    assert [(a.rule, why) for a, why in todo.resolved] == [
        ("score_psi above 0.25", "no longer observed")
    ]
    assert todo.continuing == [] and todo.new == []  # the AUC alert waits for matured labels


def test_alerts_of_a_former_champion_or_a_removed_rule_resolve():
    spec = make_spec()
    existing = open_alerts(evaluate(spec, observations(auc=0.6), "model"))
    v2 = plan(existing, evaluate(spec, observations(auc=0.6, version=2), "model"))
    assert [why for _, why in v2.resolved] == ["v1 is no longer the champion"]
    assert [f.version for f in v2.new] == [2]
    fewer = make_spec(degradation=[{"metric": "score_psi", "above": 0.25}])
    removed = plan(existing, evaluate(fewer, observations(auc=0.6), "model"))
    assert [why for _, why in removed.resolved] == ["the rule is no longer in the spec"]


def test_stale_alert_resolves_when_the_model_is_switched_off():
    spec = make_spec()
    existing = open_alerts(evaluate(spec, observations(stale=True), "model"))
    todo = plan(existing, evaluate(spec, observations(stale=True), "off"))
    assert [(a.rule, why) for a, why in todo.resolved] == [
        ("stale", "switched off: no scores are expected")
    ]


# ---------------------------------------------------------------------------------------
# The kill switch's decision


@pytest.mark.parametrize(
    ("on_breach", "serving", "expected"),
    [
        ("fallback", "model", "rule"),
        ("disable", "model", "off"),
        ("disable", "rule", "off"),
        ("fallback", "rule", None),  # already there
        ("fallback", "off", None),  # never loosened
        ("alert", "model", None),
    ],
)
def test_serving_after_a_new_breach(on_breach, serving, expected):
    spec = make_spec(on_breach=on_breach)
    new = plan([], evaluate(spec, observations(auc=0.6), serving)).new
    assert serving_after(on_breach, serving, new) == expected


def test_freshness_breaches_do_not_switch_serving():
    spec = make_spec(on_breach="disable")
    new = plan([], evaluate(spec, observations(stale=True, due=True), "model")).new
    assert {f.rule for f in new} == {"stale", "retrain_due"}
    assert serving_after("disable", "model", new) is None
    assert serving_after("disable", "model", []) is None


# ---------------------------------------------------------------------------------------
# The loop's retraining decisions


def test_due_by_the_newest_version():
    at = dt.datetime(2025, 10, 1)
    assert is_due([], 30, at)
    assert is_due([{"trained_at": at - dt.timedelta(days=30)}], 30, at)
    # a challenger trained last week waits for a decision instead of being trained again
    versions = [
        {"trained_at": at - dt.timedelta(days=60)},
        {"trained_at": at - dt.timedelta(days=7)},
    ]
    assert not is_due(versions, 30, at)


def trained(beats: bool | None, auc: float) -> TrainResult:
    from pathlib import Path

    return TrainResult(
        make_spec(),
        2,
        "challenger",
        [Metric("roc_auc", auc), Metric("brier", 0.2)],
        [],
        beats,
        Path("."),
    )


def test_promotion_gate():
    spec = make_spec()  # thresholds: roc_auc 0.6
    assert gate(spec, trained(True, 0.7)) is None
    assert "does not beat its rule baseline (x1_rule)" in gate(spec, trained(False, 0.7))
    assert "roc_auc 0.5500 misses its threshold 0.6" in gate(spec, trained(True, 0.55))
    spec.thresholds["brier"] = 0.1  # lower is better
    assert "brier 0.2000 misses its threshold 0.1" in gate(spec, trained(True, 0.7))
