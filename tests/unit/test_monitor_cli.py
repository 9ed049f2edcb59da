"""``scorehouse monitor``, ``enable`` and ``run`` through the command line, on a DuckDB file
holding fixture monitoring tables. dbt and training are stubbed here; the end-to-end test
runs them for real."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorehouse import loop, pipeline, selectors
from scorehouse.cli.main import cli
from scorehouse.dbt import DbtRun
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.metrics.quality import Metric
from scorehouse.project import find_project
from scorehouse.registry.artifacts import folder_digest
from scorehouse.training.train import TrainResult
from tests.support.project import duckdb_output, output_target
from tests.unit.test_monitor_fixtures import (
    SCHEMA,
    TRAINED_AT,
    Fixture,
    make_spec,
    spec_block,
    write_project,
)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project with model ``toy`` (champion v1, healthy monitoring rows) on DuckDB."""
    monkeypatch.delenv("SCOREHOUSE_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    write_project(tmp_path, {"toy": spec_block()}, tmp_path / "warehouse.duckdb")
    with warehouse(tmp_path) as fx:
        fx.create_contract_tables()
        fx.add_champion(make_spec())
        fx.healthy(make_spec())
    return tmp_path


@contextmanager
def warehouse(root: Path) -> Iterator[Fixture]:
    output = duckdb_output(root / "warehouse.duckdb", SCHEMA, threads=1)
    with connect(output_target(output, root), create=True) as con:
        yield Fixture(con)


def scorehouse(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project-dir", str(root), *args])


def test_monitor_exit_status_and_summary(project):
    healthy = scorehouse(project, "monitor")
    assert healthy.exit_code == 0, healthy.output
    assert "toy v1 · serving model" in healthy.output
    assert "nothing needs a human" in healthy.output

    with warehouse(project) as fx:
        fx.set_auc(make_spec(), model=0.70, rule=0.68)
    degraded = scorehouse(project, "monitor")
    assert degraded.exit_code == 1
    lines = degraded.output.splitlines()
    assert "toy v1 · serving model → rule" in lines
    (line,) = [x for x in lines if x.startswith("  NEW")]
    assert line.split()[:2] == ["NEW", "error"]
    assert "0.7 vs threshold 0.75" in line and "cutoff 2025-07-01" in line
    assert "action: fallback" in line
    assert "  - toy: serving switched from model to rule" in lines
    assert "webhook: none configured; 1 new alert(s) are recorded in ml_alerts only" in lines

    again = scorehouse(project, "monitor")
    assert again.exit_code == 1  # still open, nobody acknowledged it
    assert "toy v1 · serving rule" in again.output
    (line,) = [x for x in again.output.splitlines() if x.startswith("  OPEN")]
    assert line.split()[:2] == ["OPEN", "error"]

    enabled = scorehouse(project, "enable", "toy", "--by", "carol", "--note", "campaign week")
    assert enabled.exit_code == 0, enabled.output
    assert "toy v1: serving switched from rule to model by carol" in enabled.output
    assert "acknowledged 1 open alert(s)" in enabled.output
    with warehouse(project) as fx:
        change = fx.registry.serving_changes("toy")[-1]
        passport = fx.registry.passports()[0]
    assert (change["changed_by"], change["serving_to"]) == ("carol", "model")
    assert passport["serving_reason"].endswith(": campaign week")

    acknowledged = scorehouse(project, "monitor")
    assert acknowledged.exit_code == 0, acknowledged.output
    assert "toy v1 · serving model" in acknowledged.output

    unchanged = scorehouse(project, "enable", "toy")
    assert unchanged.exit_code == 0 and "already served by its champion v1" in unchanged.output


def test_enable_records_the_os_user_by_default(project, monkeypatch):
    monkeypatch.setenv("USER", "dora")
    monkeypatch.setenv("LOGNAME", "dora")
    with warehouse(project) as fx:
        fx.registry.set_serving(make_spec(), "off", "switched off by hand")
    result = scorehouse(project, "enable", "toy")
    assert result.exit_code == 0, result.output
    assert "from off to model by dora" in result.output


def test_monitor_errors(project):
    unknown = scorehouse(project, "monitor", "--model", "nope")
    assert unknown.exit_code == 1 and "no model spec named nope" in unknown.output
    with warehouse(project) as fx:
        fx.con.execute('DROP TABLE "main"."ml_score_drift"')
    missing = scorehouse(project, "monitor")
    assert missing.exit_code == 1
    assert "table main.ml_score_drift does not exist" in missing.output
    assert "models/monitoring/README.md" in missing.output


# ---------------------------------------------------------------------------------------
# The loop, with dbt and training stubbed


class Stubs:
    """Records what the loop runs; ``fail`` names dbt selections that fail."""

    def __init__(self, root: Path, beats: bool = True, fail: tuple[str, ...] = ()):
        self.root, self.beats, self.fail = root, beats, fail
        self.calls: list[tuple[str, ...]] = []

    def run_dbt(self, target, command, *args, quiet=False, vars=None) -> DbtRun:
        self.calls.append(("dbt", command, *args))
        if any(f in args for f in self.fail):
            raise ScorehouseError(f"dbt {command} failed on 1 of 3 nodes")
        return DbtRun(args=(command, *args), nodes=(), seconds=0.1)

    def train_model(self, project, target, name, echo=print, require_beats_rule=False):
        self.calls.append(("train", name))
        self.require_beats_rule = require_beats_rule
        folder = self.root / "artifacts" / "stub" / name / "v2"
        folder.mkdir(parents=True)
        (folder / "pipeline.joblib").write_text("a stand-in for the fitted pipeline")
        with warehouse(self.root) as fx:
            fx.insert(
                "ml_model_versions",
                model_name=name,
                version=2,
                status="challenger",
                task="binary",
                trained_at=TRAINED_AT,
                primary_metric="roc_auc",
                model_value=0.81,
                artifact_dir=folder.relative_to(self.root).as_posix(),
                artifact_hash=folder_digest(folder),
            )
        metrics = [Metric("roc_auc", 0.81)]
        return TrainResult(make_spec(name), 2, "challenger", metrics, [], self.beats, Path("."))

    def compile_models(self, project, target, name) -> list[Path]:
        self.calls.append(("compile", name))
        return []


@pytest.fixture
def stubs(project, monkeypatch) -> Stubs:
    stubs = Stubs(project)
    monkeypatch.setattr(pipeline, "run_dbt", stubs.run_dbt)
    for name in ("train_model", "compile_models"):
        monkeypatch.setattr(loop, name, getattr(stubs, name))
    return stubs


def test_loop_runs_every_step_and_promotes_a_better_version(project, stubs):
    result = scorehouse(project, "run", "--quiet")
    assert result.exit_code == 0, result.output
    stage = pipeline.STAGE
    toy = find_project(project)
    assert stage["features"].selection(toy) == (
        "--select",
        "+toy_features",
        "--indirect-selection",
        "cautious",
    )
    assert stubs.calls == [
        ("dbt", "build", *stage["features"].selection(toy)),
        ("train", "toy"),  # trained 2025-09-02, a month ago at least: due
        ("compile", "toy"),
        ("dbt", "build", *stage["score"].selection(toy)),
        ("dbt", "build", *stage["monitoring"].selection(toy)),
        # the toy project declares no contacts and no campaigns: no segments, no uplift
    ]
    with warehouse(project) as fx:
        assert fx.registry.champion("toy")["version"] == 2
    steps = [line.split()[:2] for line in result.output.splitlines() if line[:1].isalpha()]
    for step in ("features", "retrain", "score", "monitoring", "monitor", "segments", "uplift"):
        assert [step, "ok"] in steps
    assert "no contacts declared (var scorehouse_contacts)" in result.output
    assert "toy v2 promoted" in result.output
    assert stubs.require_beats_rule  # on by default in the loop
    assert result.output.rstrip().endswith("nothing needs a human")


def test_loop_leaves_a_worse_version_to_a_human(project, stubs):
    stubs.beats = False
    result = scorehouse(project, "run")
    assert result.exit_code == 1
    assert "toy v2 stays a challenger (does not beat its rule baseline (x1_rule)" in result.output
    with warehouse(project) as fx:
        assert fx.registry.champion("toy")["version"] == 1


def test_loop_still_monitors_after_a_failed_build_and_rescores_after_a_switch(project, stubs):
    stubs.fail = ("+toy_features",)
    with warehouse(project) as fx:
        fx.set_auc(make_spec(), model=0.70, rule=0.68)
    result = scorehouse(project, "run")
    assert result.exit_code == 1
    assert [c[:2] for c in stubs.calls] == [("dbt", "build")] * 3
    # the rescore after the fallback
    assert stubs.calls[1] == ("dbt", "build", *selectors.scoring(find_project(project)))
    assert "  - step features failed: dbt build failed on 1 of 3 nodes" in result.output
    assert "  - toy: serving switched from model to rule" in result.output
    skipped = [
        line for line in result.output.splitlines() if line.startswith(("retrain", "score "))
    ]
    assert all("skipped" in line for line in skipped) and len(skipped) == 2
    assert ["rescore", "ok"] in [line.split()[:2] for line in result.output.splitlines()]
