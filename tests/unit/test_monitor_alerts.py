"""``monitor`` on fixture monitoring tables: ml_alerts rows, dedupe, resolution, actions,
``enable``. On DuckDB and on the suite's PostgreSQL server (the ml_alerts writes)."""

from __future__ import annotations

import datetime as dt

import pytest

from scorehouse.errors import ScorehouseError
from scorehouse.monitoring import enable_model, monitor
from scorehouse.monitoring.webhook import Delivery
from tests.unit import test_monitor_fixtures
from tests.unit.test_monitor_fixtures import Clock, Fixture, alerts, make_spec, passport

BOTH = pytest.mark.parametrize(
    "fx", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
HOOK = "http://hooks.example/services/T0/B0/secret"

fx = test_monitor_fixtures.fx  # the warehouse fixture, shared


class Hook:
    """Stands in for the webhook: records each post and answers ``ok``."""

    def __init__(self, ok: bool = True) -> None:
        self.posts: list[dict] = []
        self.ok = ok

    def __call__(self, url, payload, settings) -> Delivery:
        self.posts.append(payload)
        return Delivery(self.ok, 1, None if self.ok else "HTTP 500 Internal Server Error")


def run(fx: Fixture, spec, hook: Hook | None = None, clock: Clock | None = None, **kwargs):
    return monitor(
        fx.con,
        fx.schema,
        {spec.name: spec},
        webhook=HOOK if hook else None,
        poster=hook or Hook(),
        clock=clock or Clock(),
        **kwargs,
    )


@BOTH
def test_breach_alerts_once_falls_back_then_resolves(fx):
    spec = make_spec()
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.set_auc(spec, model=0.70, rule=0.68)
    hook, clock = Hook(), Clock()

    first = run(fx, spec, hook, clock)
    (model,) = first.models
    assert (model.serving_before, model.serving_after, model.action) == ("model", "rule", "rule")
    assert first.needs_human
    (row,) = alerts(fx)
    assert row["model_name"] == "toy" and row["model_version"] == 1
    assert row["rule"] == "roc_auc below_passport_minus 0.05"
    assert row["observed"] == pytest.approx(0.70) and row["threshold"] == pytest.approx(0.75)
    assert row["cutoff"] == dt.date(2025, 7, 1)
    assert (row["severity"], row["on_breach"], row["action_taken"], row["status"]) == (
        "error",
        "fallback",
        "fallback",
        "open",
    )
    assert row["opened_at"] == row["last_seen_at"] == dt.datetime(2025, 9, 3, 7, 0)
    assert (row["delivery_status"], row["delivery_attempts"]) == ("delivered", 1)
    assert len(hook.posts) == 1

    p = passport(fx)
    assert p["serving"] == "rule"
    assert (
        "roc_auc below the passport's value minus 0.05 (observed 0.7 vs threshold 0.75"
        in p["serving_reason"]
    )
    assert "scorehouse enable toy" in p["serving_reason"]
    change = fx.registry.serving_changes("toy")[-1]
    assert (change["serving_from"], change["serving_to"], change["changed_by"]) == (
        "model",
        "rule",
        "scorehouse monitor",
    )
    assert change["champion_version"] == 1

    # The breach lasts: the same row follows it, no second post, no second action.
    fx.set_auc(spec, model=0.71, rule=0.68)
    second = run(fx, spec, hook, clock)
    (row,) = alerts(fx)
    assert row["status"] == "open" and row["last_observed"] == pytest.approx(0.71)
    assert row["last_seen_at"] > row["opened_at"]
    assert len(hook.posts) == 1
    assert second.models[0].action is None and second.models[0].new == []
    assert second.needs_human  # an open error alert nobody acknowledged

    # A human switches the model back: recorded, and the open alert is acknowledged.
    done = enable_model(fx.registry, spec, "alice", "retraining this week", clock())
    assert (done.previous, done.changed, done.acknowledged) == ("rule", True, 1)
    assert passport(fx)["serving"] == "model"
    assert passport(fx)["serving_reason"].startswith("enabled by alice on 2025-09-03")
    change = fx.registry.serving_changes("toy")[-1]
    assert (change["serving_from"], change["serving_to"], change["changed_by"]) == (
        "rule",
        "model",
        "alice",
    )
    third = run(fx, spec, hook, clock)
    assert not third.needs_human and third.models[0].action is None  # not switched off again
    assert passport(fx)["serving"] == "model"
    (row,) = alerts(fx)
    assert row["acknowledged_by"] == "alice" and row["status"] == "open"

    # The breach ends: resolved.
    fx.set_auc(spec, model=0.79, rule=0.68)
    fourth = run(fx, spec, hook, clock)
    (row,) = alerts(fx)
    assert (row["status"], row["resolution"]) == ("resolved", "no longer observed")
    assert row["resolved_at"] is not None
    assert not fourth.needs_human

    # It breaks again: a new alert, and a new fallback.
    fx.set_auc(spec, model=0.6, rule=0.68)
    fifth = run(fx, spec, hook, clock)
    assert [a["status"] for a in alerts(fx)] == ["resolved", "open"]
    assert fifth.models[0].action == "rule" and len(hook.posts) == 2


def test_disable_switches_the_model_off(fx):
    spec = make_spec(on_breach="disable")
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.set_score_psi(spec, 0.4)
    report = run(fx, spec)
    assert report.models[0].action == "off"
    (row,) = alerts(fx)
    assert (row["rule"], row["action_taken"], row["observed"]) == (
        "score_psi above 0.25",
        "disable",
        0.4,
    )
    assert passport(fx)["serving"] == "off"
    assert fx.registry.serving_changes("toy")[-1]["serving_to"] == "off"


def test_alert_action_only_records(fx):
    spec = make_spec(on_breach="alert")
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.set_auc(spec, model=0.5, rule=0.6)
    report = run(fx, spec)
    assert report.models[0].action is None and report.needs_human
    (row,) = alerts(fx)
    assert row["action_taken"] == "alert"
    assert row["delivery_status"] == "not_configured"  # no webhook anywhere
    assert passport(fx)["serving"] == "model"
    assert [c["changed_by"] for c in fx.registry.serving_changes("toy")] == ["setup"]


def test_a_due_retraining_alone_needs_no_human(fx, monkeypatch):
    monkeypatch.delenv("SCOREHOUSE_WEBHOOK_URL", raising=False)
    spec = make_spec()
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.update("ml_freshness", "toy", is_retrain_due=True, model_age_days=31)
    report = run(fx, spec)
    (row,) = alerts(fx)
    assert (row["rule"], row["severity"], row["observed"], row["threshold"]) == (
        "retrain_due",
        "warning",
        31,
        30,
    )
    assert not report.needs_human and report.models[0].action is None


def test_stale_scores_need_a_human_but_do_not_switch(fx):
    spec = make_spec(on_breach="disable")
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.update("ml_freshness", "toy", is_stale=True, days_since_scored=36)
    report = run(fx, spec)
    assert report.needs_human and report.models[0].action is None
    assert [(a["rule"], a["action_taken"]) for a in alerts(fx)] == [("stale", "alert")]


def test_dry_run_writes_nothing(fx):
    spec = make_spec()
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.set_auc(spec, model=0.5, rule=0.6)
    hook = Hook()
    report = run(fx, spec, hook, dry_run=True)
    assert report.dry_run and report.models[0].serving_after == "rule"
    assert [a.rule for a in report.models[0].new] == ["roc_auc below_passport_minus 0.05"]
    assert passport(fx)["serving"] == "model"
    assert hook.posts == []
    tables = {r[0] for r in fx.con.fetchall("SELECT table_name FROM information_schema.tables")}
    assert "ml_alerts" not in tables


def test_a_model_without_champion_is_noted(fx):
    spec = make_spec()
    fx.registry.ensure_tables()
    report = run(fx, spec)
    assert report.models[0].version is None and "no champion" in report.models[0].note
    assert not report.needs_human


def test_missing_monitoring_tables_are_named(fx):
    spec = make_spec()
    fx.add_champion(spec)
    fx.con.execute('DROP TABLE "main"."ml_quality"')
    fx.con.execute('ALTER TABLE "main"."ml_freshness" DROP COLUMN is_stale')
    with pytest.raises(
        ScorehouseError,
        match=r"main.ml_quality does not exist; main.ml_freshness lacks column\(s\) is_stale",
    ):
        run(fx, spec)


def test_enable_refuses_a_model_without_champion_and_leaves_a_served_one(fx):
    spec = make_spec()
    fx.registry.ensure_tables()
    with pytest.raises(ScorehouseError, match=r"no champion to serve: train it"):
        enable_model(fx.registry, spec, "bob", None, dt.datetime(2025, 9, 3))
    fx.add_champion(spec)
    done = enable_model(fx.registry, spec, "bob", None, dt.datetime(2025, 9, 3))
    assert not done.changed and done.previous == "model"
