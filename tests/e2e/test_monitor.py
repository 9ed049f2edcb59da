"""End to end on the demo warehouse (DuckDB): a degraded churn model triggers its SLA action.

The churn model is trained, compiled and scored by ``dbt build``. Then its monitoring values
are put past its thresholds (the monitoring tables are written with known values, in the
contract's columns) and ``scorehouse monitor`` runs from the command line, posting to a real
HTTP server. The tests check what the next ``dbt build`` publishes: the rule's scores after
a fallback, nothing after a disable, the model's scores again after ``scorehouse enable``.
Finally ``scorehouse run`` runs the whole scheduled loop on a champion made overdue.

The tests share the warehouse and run in file order; each says what it leaves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from threadpoolctl import threadpool_limits

from scorehouse import pipeline
from scorehouse.cli.main import cli
from scorehouse.dbt import run_dbt
from scorehouse.demo import load_demo
from scorehouse.engines import connect
from scorehouse.project import Project, Target
from scorehouse.scoring.compile_models import compile_models
from scorehouse.spec import Spec, load_spec
from scorehouse.training.train import train_model
from tests.support.project import (
    Warehouse,
    copy_project,
    drop_audiences,
    duckdb_output,
    edit_spec,
    target_of,
)
from tests.unit.test_monitor_fixtures import Fixture
from tests.unit.test_monitor_webhook import Receiver

pytestmark = pytest.mark.slow

CUSTOMERS = 1500
SEED = 11
EXACT = 1e-12
FEATURES = ("--select", "+customer_training", "+customer_features")


@dataclass
class Lab:
    project: Project
    target: Target
    model_scores: pd.DataFrame  # churn_scores as the champion first published them

    @property
    def spec(self) -> Spec:
        return load_spec(self.project.model_paths, "churn")

    def table(self, name: str) -> pd.DataFrame:
        frame = Warehouse(self.target).read(self.target.schema, name)
        return frame.sort_values(list(frame.columns[:1])).reset_index(drop=True)

    def scores(self) -> pd.DataFrame:
        return self.table("churn_scores").sort_values("customer_id").reset_index(drop=True)

    def score(self) -> None:
        pipeline.build(self.project, self.target, "score", quiet=True)

    def scorehouse(self, *args: str) -> Any:
        return CliRunner().invoke(cli, ["--project-dir", str(self.project.root), *args])

    @contextlib.contextmanager
    def warehouse(self) -> Iterator[Fixture]:
        con = connect(self.target)
        try:
            yield Fixture(con, self.target.schema)
        finally:
            con.close()

    def passport(self) -> dict[str, Any]:
        with self.warehouse() as fx:
            return next(p for p in fx.registry.passports() if p["model_name"] == "churn")


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("monitor-duckdb")
    project = copy_project(root, {"duckdb": duckdb_output(root / "warehouse.duckdb")})
    (project.root / "models" / "ml" / "purchase.yml").unlink()  # churn alone keeps it short
    drop_audiences(project, "purchase")

    def small(block: dict[str, Any]) -> None:
        block["estimator"]["model"]["params"].update(max_iter=20)

    edit_spec(project, "churn", small)
    target = target_of(project)
    with threadpool_limits(limits=1):
        load_demo(project, target, CUSTOMERS, SEED)
        run_dbt(target, "run", *FEATURES, quiet=True)
        train_model(project, target, "churn")
        compile_models(project, target, "churn")
        pipeline.build(project, target, "score", quiet=True)
    first = Lab(project, target, pd.DataFrame())
    first.model_scores = first.scores()
    assert set(first.model_scores["scored_by"]) == {"model"} and len(first.model_scores) > 1000
    yield first


def latest_features(lab: Lab) -> pd.DataFrame:
    features = lab.table("customer_features")
    latest = features[features["cutoff_date"] == features["cutoff_date"].max()]
    return latest.sort_values("customer_id").reset_index(drop=True)


def test_a_degraded_model_falls_back_to_the_rule(lab):
    """Leaves churn served by the rule, with one open alert (roc_auc)."""
    spec = lab.spec
    passport_auc = lab.passport()["model_value"]
    with lab.warehouse() as fx:
        fx.create_contract_tables()
        fx.healthy(spec)
        fx.set_auc(spec, model=passport_auc - 0.10, rule=0.60)

    with Receiver([]) as server:
        result = lab.scorehouse("monitor", "--webhook", server.url)
    assert result.exit_code == 1, result.output
    assert "churn v1 · serving model → rule" in result.output
    (request,) = server.requests
    text = request["json"]["text"]
    assert "churn v1: roc_auc below the passport's value minus 0.05" in text
    assert f"observed {passport_auc - 0.10:.4g} vs threshold {passport_auc - 0.05:.4g}" in text
    assert "Owner: analytics-engineering@retailer.example" in text
    assert "Kill switch: head-of-crm@retailer.example" in text

    passport = lab.passport()
    assert passport["serving"] == "rule"
    assert passport["serving_reason"].startswith("scorehouse monitor ")
    assert "roc_auc below the passport's value minus 0.05" in passport["serving_reason"]
    assert passport["champion_version"] == 1

    lab.score()
    scores = lab.scores()
    rows = latest_features(lab)
    assert list(scores["customer_id"]) == list(rows["customer_id"])
    assert set(scores["scored_by"]) == {"rule"} and set(scores["model_version"]) == {0}
    rule = 1.0 - rows["rule_score"].to_numpy(dtype=float)  # the spec's baseline: 1.0 - rule_score
    np.testing.assert_allclose(scores["score"], rule, rtol=0, atol=EXACT)
    assert np.abs(scores["score"].to_numpy() - lab.model_scores["score"].to_numpy()).max() > 0.05

    with lab.warehouse() as fx:
        (alert,) = fx.rows("ml_alerts")
    assert (alert["model_name"], alert["rule"], alert["action_taken"]) == (
        "churn",
        "roc_auc below_passport_minus 0.05",
        "fallback",
    )
    assert (alert["status"], alert["delivery_status"]) == ("open", "delivered")


def test_disable_publishes_no_scores(lab):
    """Leaves churn switched off, with open score_psi and acknowledged roc_auc alerts."""
    enabled = lab.scorehouse("enable", "churn", "--by", "alice")
    assert enabled.exit_code == 0, enabled.output
    edit_spec(lab.project, "churn", lambda block: block["sla"].update(on_breach="disable"))
    with lab.warehouse() as fx:
        fx.set_score_psi(lab.spec, 0.4)
    result = lab.scorehouse("monitor")
    assert result.exit_code == 1, result.output
    assert "churn v1 · serving model → off" in result.output
    assert lab.passport()["serving"] == "off"

    lab.score()
    assert len(lab.table("churn_scores")) == 0


def test_enable_restores_the_models_scores_and_records_who(lab):
    result = lab.scorehouse("enable", "churn", "--by", "bob", "--note", "drift explained")
    assert result.exit_code == 0, result.output
    assert "serving switched from off to model by bob" in result.output
    passport = lab.passport()
    assert passport["serving"] == "model"
    assert passport["serving_reason"].startswith("enabled by bob on ")

    lab.score()
    scores = lab.scores()
    assert set(scores["scored_by"]) == {"model"} and set(scores["model_version"]) == {1}
    assert list(scores["customer_id"]) == list(lab.model_scores["customer_id"])
    np.testing.assert_allclose(scores["score"], lab.model_scores["score"], rtol=0, atol=EXACT)

    with lab.warehouse() as fx:
        changes = fx.registry.serving_changes("churn")
    assert [(c["serving_to"], c["changed_by"]) for c in changes[-4:]] == [
        ("rule", "scorehouse monitor"),
        ("model", "alice"),
        ("off", "scorehouse monitor"),
        ("model", "bob"),
    ]
    assert all(c["champion_version"] == 1 for c in changes[-4:])
    assert changes[-1]["reason"].endswith(": drift explained")


def test_the_scheduled_loop_retrains_an_overdue_model(lab):
    with lab.warehouse() as fx:
        for table in ("ml_model_versions", "ml_passports"):
            fx.con.execute(
                f"UPDATE {fx.table(table)} SET trained_at = trained_at - INTERVAL 40 DAY "
                "WHERE model_name = 'churn'"
            )
    with threadpool_limits(limits=1):
        result = lab.scorehouse("run", "--quiet")
    lines = result.output.splitlines()
    names = ("features ", "retrain ", "score ", "monitor ")
    steps = {line.split()[0]: line.split()[1] for line in lines if line.startswith(names)}
    assert steps == {"features": "ok", "retrain": "ok", "score": "ok", "monitor": "ok"}, (
        result.output
    )

    with lab.warehouse() as fx:
        versions = {v["version"]: v for v in fx.registry.versions("churn")}
        champion = fx.registry.champion("churn")["version"]
    assert set(versions) == {1, 2}  # retrained once: v1 was 40 days old, the cadence is 30
    v2 = versions[2]
    promotable = bool(v2["beats_baseline"]) and v2["model_value"] >= 0.65  # the spec's gate
    assert champion == (2 if promotable else 1)
    assert set(lab.table("churn_scores")["model_version"]) == {champion}
    if not promotable:
        assert "churn v2 stays a challenger" in result.output
    # The exit status is the verdict printed last.
    all_well = result.output.rstrip().endswith("nothing needs a human")
    assert result.exit_code == (0 if all_well else 1)
    if not promotable:
        assert result.exit_code == 1
