"""The registry on a toy project: versions, atomic registration, a killed training run, a
locked DuckDB file, and the CLI (train, models, promote, rollback)."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorehouse.catalogue import PASSPORTS, REGISTRY
from scorehouse.cli.main import cli
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.gateway import Gateway
from scorehouse.project import Project, Target
from scorehouse.registry.versions import Registry
from scorehouse.spec import load_spec
from scorehouse.training.train import train_model
from tests.support.project import TOY_SPEC, postgres_output, target_of, toy_project, write_spec

SCORES = ("--no-compile",)
CLI = [sys.executable, "-c", "from scorehouse.cli.main import cli; cli()"]


BOTH = pytest.mark.parametrize(
    "toy", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def toy(request, tmp_path, monkeypatch) -> tuple[Project, Target]:
    """The toy project on DuckDB, or with ``indirect`` parametrisation on PostgreSQL."""
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    output = None
    if getattr(request, "param", "duckdb") == "postgres":
        db = request.getfixturevalue("postgres_server").create_database("scorehouse_toy")
        output = postgres_output(db)
    project = toy_project(tmp_path, output=output)
    return project, target_of(project)


def registry_state(target: Target) -> dict[str, list[tuple]]:
    """Every row of the four ml_ tables, in a stable order."""
    con = connect(target)
    try:
        session = con
        return {
            table: sorted(session.fetchall(f"select * from {target.schema}.{table}"), key=repr)
            for table in (t.name for t in REGISTRY)
        }
    finally:
        con.close()


def registry_rows(target: Target) -> list[dict]:
    con = connect(target)
    try:
        return Registry(con, target.schema).versions()
    finally:
        con.close()


def artifact_files(project: Project) -> list[str]:
    root = project.root / "artifacts"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def train(project: Project, target: Target, **kwargs):
    return train_model(project, target, "toy", **kwargs)


# ---------------------------------------------------------------------------------------
# Versions


@BOTH
def test_training_twice_gives_versions_one_and_two(toy):
    project, target = toy
    first, second = train(*toy), train(*toy)
    assert (first.version, first.status) == (1, "champion")
    assert (second.version, second.status) == (2, "challenger")
    (warehouse,) = [p for p in (project.root / "artifacts").iterdir() if p.name != ".staging"]
    assert first.artifact_dir == warehouse / "toy" / "v1"
    assert second.artifact_dir.name == "v2" and second.artifact_dir.is_dir()
    state = registry_state(target)
    assert [(r[0], r[1], r[2]) for r in state["ml_model_versions"]] == [
        ("toy", 1, "champion"),
        ("toy", 2, "challenger"),
    ]
    assert {r[1] for r in state["ml_metrics"]} == {1, 2}
    assert {r[1] for r in state["ml_reference_distributions"]} == {1, 2}
    (passport,) = state["ml_passports"]
    passport = dict(zip(PASSPORTS.names, passport, strict=True))
    assert (passport["champion_version"], passport["challenger_version"]) == (1, 2)
    assert passport["kill_switch_owner"] == "head-of-crm@example.com"
    # The registry records the folders relative to the project, with their digests.
    assert [r[-2] for r in state["ml_model_versions"]] == [
        f"artifacts/{warehouse.name}/toy/v1",
        f"artifacts/{warehouse.name}/toy/v2",
    ]
    assert state["ml_warehouse"][0][0] == warehouse.name
    # Nothing is left over from staging.
    assert sorted(p.name for p in (warehouse / "toy").iterdir()) == ["v1", "v2"]
    assert list((project.root / "artifacts" / ".staging").iterdir()) == []


def test_promote_and_rollback(toy):
    project, target = toy
    train(*toy), train(*toy), train(*toy)
    spec = load_spec(project.model_paths, "toy")
    con = connect(target)
    try:
        registry = Registry(con, target.schema)
        with pytest.raises(ScorehouseError, match=r"no earlier champion to roll back to"):
            registry.rollback(spec)
        registry.promote(spec, 3)
        assert [v["status"] for v in registry.versions("toy")] == [
            "retired",
            "challenger",
            "champion",
        ]
        assert registry.challenger("toy")["version"] == 2
        assert registry.rollback(spec) == 1
        assert [v["status"] for v in registry.versions("toy")] == [
            "champion",
            "challenger",
            "retired",
        ]
        with pytest.raises(
            ScorehouseError, match=r"model 'toy' has no version 7 \(versions: 1, 2, 3\)"
        ):
            registry.promote(spec, 7)
        with pytest.raises(ValueError):
            registry.set_serving(spec, "paused", "")
        (passport,) = registry.passports()
        assert (passport["champion_version"], passport["challenger_version"]) == (1, 2)
    finally:
        con.close()


# ---------------------------------------------------------------------------------------
# Atomicity


@BOTH
def test_failure_inside_register_rolls_everything_back(toy, monkeypatch):
    project, target = toy
    train(*toy)
    before, files = registry_state(target), artifact_files(project)

    real_insert = Gateway.insert
    calls = []

    def insert_then_fail(self, table, rows):
        calls.append(table.name)
        if len(calls) == 2:
            raise RuntimeError("injected: the warehouse went away")
        real_insert(self, table, rows)

    monkeypatch.setattr(Gateway, "insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="injected"):
        train(*toy)
    assert calls == ["ml_model_versions", "ml_metrics"]
    monkeypatch.undo()
    assert registry_state(target) == before
    assert artifact_files(project) == files

    # Failing after the artifacts were moved into place: the folder goes too.
    real_rename = Path.rename
    moved = []

    def rename_then_fail(self, destination):
        real_rename(self, destination)
        moved.append(Path(destination))
        raise OSError("injected: failed after the move")

    monkeypatch.setattr(Path, "rename", rename_then_fail)
    with pytest.raises(OSError, match="injected"):
        train(*toy)
    monkeypatch.undo()
    (first,) = (r["artifact_dir"] for r in registry_rows(target) if r["version"] == 1)
    assert moved == [project.root / Path(first).parent / "v2"]
    assert not moved[0].exists()
    assert registry_state(target) == before
    assert artifact_files(project) == files

    # Nothing was half-registered: the next training is version 2.
    assert train(*toy).version == 2


def slow_spec() -> dict:
    spec = json.loads(json.dumps(TOY_SPEC))
    spec["estimator"]["model"] = {
        "class": "GradientBoostingClassifier",
        "params": {"n_estimators": 200000, "max_depth": 3},
    }
    return spec


def stderr_lines(process: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for(lines: queue.Queue, text: str, seconds: float = 90) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"no {text!r} line; stderr was:\n{''.join(seen)}")


def test_killed_training_leaves_the_registry_unchanged(toy):
    project, target = toy
    train(*toy)
    before, files = registry_state(target), artifact_files(project)
    write_spec(project.root / "models", "toy", slow_spec())

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [*CLI, "--project-dir", str(project.root), "train", "toy", *SCORES],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        seen = wait_for(stderr_lines(process), "fitting GradientBoostingClassifier")
        time.sleep(0.5)  # well inside fit
        assert process.poll() is None, "".join(seen)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert registry_state(target) == before
    assert artifact_files(project) == files


def test_registration_fails_clearly_while_another_process_holds_the_duckdb_file(toy):
    project, target = toy
    train(*toy)
    before, files = registry_state(target), artifact_files(project)
    holder: list[subprocess.Popen] = []

    def hold_the_file_when_registering(message: str) -> None:
        if message.startswith("registering"):
            holder.append(hold(Path(target.settings["path"])))

    try:
        with pytest.raises(
            ScorehouseError, match=r"warehouse\.duckdb is locked by another process"
        ):
            train(*toy, echo=hold_the_file_when_registering)
    finally:
        for process in holder:
            process.kill()
            process.wait(timeout=30)
    assert len(holder) == 1
    assert registry_state(target) == before
    assert artifact_files(project) == files


def hold(path: Path) -> subprocess.Popen:
    """A process that opens the DuckDB file and keeps it open until killed."""
    code = (
        "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
        "print('open', flush=True); time.sleep(600)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "open"
    return process


# ---------------------------------------------------------------------------------------
# The command line


@pytest.fixture
def run_cli(toy) -> Iterator:
    project, _ = toy

    def run(*args: str, ok: bool = True):
        result = CliRunner().invoke(cli, ["--project-dir", str(project.root), *args])
        assert (result.exit_code == 0) == ok, result.output
        return result

    return run


def table_rows(output: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in output.strip().splitlines()]


def test_cli_train_models_promote_rollback(toy, run_cli):
    project, target = toy
    result = run_cli("train", "toy")
    assert "toy v1 registered as champion" in result.stdout
    assert re.search(r"roc_auc: model 0\.\d{4}, rule x1_rule 0\.\d{4}", result.stdout)
    assert "fitting LogisticRegression" in result.stderr  # progress goes to stderr
    assert "wrote models/scorehouse/generated/toy_scores.sql" in result.stdout
    generated = project.generated_dir
    assert 'scorehouse.serving_mode("toy", 1)' in (generated / "toy_scores.sql").read_text()

    result = run_cli("train", "toy")
    assert "toy v2 registered as challenger" in result.stdout
    assert (generated / "toy_shadow_scores.sql").exists()

    header, row = table_rows(run_cli("models").stdout)
    assert header == [
        "model",
        "versions",
        "champion",
        "challenger",
        "serving",
        "age",
        "due",
        "metric",
        "model",
        "rule",
    ]
    con = connect(target)
    try:
        v1 = Registry(con, target.schema).version("toy", 1)
    finally:
        con.close()
    due = (v1["trained_at"] + dt.timedelta(days=30)).date().isoformat()
    assert row[:8] == ["toy", "2", "v1", "v2", "model", "0 d", due, "roc_auc"]
    assert row[8] == f"{v1['model_value']:.4f}" and row[9] == f"{v1['baseline_value']:.4f}"

    assert "toy v2 is now the champion" in run_cli("promote", "toy", "2").stdout
    assert 'scorehouse.serving_mode("toy", 2)' in (generated / "toy_scores.sql").read_text()
    assert not (generated / "toy_shadow_scores.sql").exists()
    assert table_rows(run_cli("models").stdout)[1][2:4] == ["v2", "-"]

    assert "toy rolled back to v1" in run_cli("rollback", "toy").stdout
    assert table_rows(run_cli("models").stdout)[1][2:4] == ["v1", "-"]
    assert 'scorehouse.serving_mode("toy", 1)' in (generated / "toy_scores.sql").read_text()

    failed = run_cli("promote", "toy", "9", ok=False)
    assert "model 'toy' has no version 9 (versions: 1, 2)" in failed.output
    assert "Traceback" not in failed.output


def test_cli_models_before_any_training(run_cli):
    header, row = table_rows(run_cli("models").stdout)
    assert row == ["toy", "0", "-", "-", "rule", "-", "-", "roc_auc", "-", "-"]


def test_cli_train_of_an_unknown_model(run_cli):
    failed = run_cli("train", "churn", ok=False)
    assert "no model spec named 'churn' (specs in this project: toy)" in failed.output


# ---------------------------------------------------------------------------------------
# The uplift verdict on the passport


def test_verdict_is_recorded_on_the_passport_and_survives_rewrites(toy):
    project, target = toy
    train(project, target)
    spec = load_spec(project.model_paths, "toy")
    at = dt.datetime(2026, 1, 5, 9, 30)
    con = connect(target)
    try:
        registry = Registry(con, target.schema)
        registry.set_verdict(
            "toy", 1, "rebuild", ["no uplift over the rule", "lifts vs control"], at
        )
        registry.set_serving(spec, "rule", "degraded")  # rewrites the passport row
        (passport,) = registry.passports()
    finally:
        con.close()
    assert passport["serving"] == "rule"
    assert passport["verdict"] == "rebuild"
    assert passport["verdict_reasons"].split("\n") == [
        "no uplift over the rule",
        "lifts vs control",
    ]
    assert passport["verdict_version"] == 1
    assert passport["verdict_at"] == at
