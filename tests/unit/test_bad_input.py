"""Bad input never gives a wrong model, a lost row or a file outside the project.

Each test reproduces a probe that once got through: a model name used as a path,
artifacts shared between warehouses, a warehouse deleted while training, text declared
numeric, labels that are not 0/1, a losing first version silently serving, typos in a
spec, a missing profiles folder, an unwritable output file.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import joblib
import pytest
import yaml
from click.testing import CliRunner

from scorehouse import names
from scorehouse.cli.main import cli
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, find_project
from scorehouse.registry import artifacts
from scorehouse.registry.artifacts import folder_digest, verified_dir
from scorehouse.registry.versions import Registry
from scorehouse.scoring.compile_models import compile_models
from scorehouse.spec import SpecError, find_specs, load_spec
from scorehouse.training.train import train_model
from tests.support.macros import Macros
from tests.support.project import (
    TOY_SPEC,
    duckdb_output,
    target_of,
    toy_project,
    write_profile,
    write_spec,
)


@pytest.fixture(autouse=True)
def _no_profile_env(monkeypatch):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)


def _sql(project: Project, statement: str) -> None:
    """Run ``statement`` on the toy project's DuckDB file."""
    path = target_of(project).settings["path"]
    con = duckdb.connect(path)
    try:
        con.execute(statement)
    finally:
        con.close()


def _versions(project: Project, target_name: str | None = None) -> list[dict[str, Any]]:
    con = connect(target_of(project, target_name))
    try:
        registry = Registry(con, "main")
        registry.ensure_tables()
        return registry.versions()
    finally:
        con.close()


# --- names --------------------------------------------------------------------------------

BAD_NAMES = ["o'neil", "a b", "../../victim", "a/b", "Churn", "x" * 41, "9lives", "é"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_spec_whose_name_breaks_the_rule_is_refused_naming_the_rule(tmp_path, name):
    path = write_spec(tmp_path / "models", "placeholder", TOY_SPEC)
    document = yaml.safe_load(path.read_text())
    document["models"][0]["name"] = f"{name}_scores"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(SpecError) as caught:
        find_specs([tmp_path / "models"])
    assert names.PATTERN in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_name_on_the_command_line_touches_nothing(tmp_path, name):
    project = toy_project(tmp_path / "project", customers=50)
    victim = tmp_path / "victim_scores"
    victim.write_text("precious")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for command in (["train", name], ["compile", name], ["promote", name, "1"]):
        result = CliRunner().invoke(cli, ["--project-dir", str(project.root), *command])
        assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
        # compile takes a name with a slash for a model file, which does not exist
        expected = "does not exist" if command[0] == "compile" and "/" in name else "naming rule"
        assert expected in result.output, result.output
    assert victim.read_text() == "precious"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_dbt_macros_and_python_share_the_naming_rule():
    assert Macros("duckdb").call("_name_pattern") == names.PATTERN
    assert names.is_valid("churn_v2") and not names.is_valid("churn-v2")


# --- artifacts belong to one warehouse ------------------------------------------------------


def _two_warehouses(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    toy_project(root, customers=120)
    shutil.copy(root / "warehouse.duckdb", root / "dev.duckdb")
    write_profile(
        root,
        {
            "prod": duckdb_output(root / "warehouse.duckdb", threads=1),
            "dev": duckdb_output(root / "dev.duckdb", threads=1),
        },
    )
    return find_project(root)


def test_two_targets_never_share_or_overwrite_artifacts(tmp_path):
    project = _two_warehouses(tmp_path)
    dev = train_model(project, target_of(project, "dev"), "toy")
    prod = train_model(project, target_of(project, "prod"), "toy")
    assert (dev.version, prod.version) == (1, 1)
    assert dev.artifact_dir != prod.artifact_dir
    assert dev.artifact_dir.parent.parent != prod.artifact_dir.parent.parent
    for name, result in (("dev", dev), ("prod", prod)):
        (row,) = _versions(project, name)
        assert row["artifact_dir"] == result.artifact_dir.relative_to(project.root).as_posix()
        assert row["artifact_hash"] == folder_digest(result.artifact_dir)
        assert verified_dir(project.root, row) == result.artifact_dir


def test_artifacts_that_changed_on_disk_are_refused_naming_both_digests(tmp_path):
    project = _two_warehouses(tmp_path)
    target = target_of(project, "dev")
    result = train_model(project, target, "toy")
    train_model(project, target, "toy")
    (row,) = [r for r in _versions(project, "dev") if r["version"] == 1]
    recorded = row["artifact_hash"]
    joblib.dump({"not": "the model"}, result.artifact_dir / artifacts.PIPELINE_FILE)
    found = folder_digest(result.artifact_dir)
    for command in (["promote", "toy", "1"], ["compile", "toy"]):
        outcome = CliRunner().invoke(
            cli, ["--project-dir", str(project.root), "--target", "dev", *command]
        )
        assert outcome.exit_code != 0
        assert recorded in outcome.output and found in outcome.output, outcome.output
    # the failed promotion changed nothing
    assert [r["status"] for r in _versions(project, "dev")] == ["champion", "challenger"]


def test_a_copied_project_reads_its_own_artifacts(tmp_path):
    project = toy_project(tmp_path / "original", customers=120)
    train_model(project, target_of(project), "toy")
    copy_root = tmp_path / "copy"
    shutil.copytree(project.root, copy_root)
    write_profile(copy_root, {"duckdb": duckdb_output(copy_root / "warehouse.duckdb")})
    shutil.rmtree(project.root / "artifacts")
    copied = find_project(copy_root)
    written = compile_models(copied, target_of(copied), "toy")
    assert all(copy_root in path.parents for path in written)


def test_a_warehouse_deleted_while_training_is_not_recreated(tmp_path, monkeypatch):
    project = toy_project(tmp_path / "project", customers=120)
    target = target_of(project)
    first = train_model(project, target, "toy")
    digest = folder_digest(first.artifact_dir)
    database = Path(target.settings["path"])
    real_write = artifacts.write_artifacts

    def delete_then_write(*args: Any, **kwargs: Any) -> Any:
        database.unlink()
        return real_write(*args, **kwargs)

    monkeypatch.setattr(artifacts, "write_artifacts", delete_then_write)
    with pytest.raises(ScorehouseError, match="does not exist"):
        train_model(project, target, "toy")
    assert not database.exists()
    assert folder_digest(first.artifact_dir) == digest
    assert list((project.root / "artifacts" / artifacts.STAGING).iterdir()) == []


def test_staging_left_by_a_killed_run_is_removed(tmp_path):
    project = toy_project(tmp_path / "project", customers=120)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(finished.stdout)
    staging = project.root / "artifacts" / artifacts.STAGING
    left = staging / f"{dead}-abandoned"
    left.mkdir(parents=True)
    (left / "pipeline.joblib").write_text("half written")
    running = staging / f"{os.getppid()}-in-progress"  # a live process's run stays
    running.mkdir()
    train_model(project, target_of(project), "toy")
    assert not left.exists() and running.exists()


# --- what the warehouse holds -----------------------------------------------------------


def test_text_declared_numeric_is_refused_naming_the_column(tmp_path):
    spec = copy.deepcopy(TOY_SPEC)
    spec["data"]["features"] = {"numeric": ["x1", "x2", "seg"], "categorical": []}
    project = toy_project(tmp_path, customers=60, spec=spec)
    with pytest.raises(SpecError, match=r"feature 'seg' is listed under features.numeric"):
        train_model(project, target_of(project), "toy")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("update main.toy_features set label = 2 where customer_id % 5 = 0", r"0 or 1.*0, 1, 2"),
        ("update main.toy_features set label = 0", r"training rows .* hold only label 0"),
        (
            "update main.toy_features set label = 1 where cutoff_date = '2025-03-01'",
            r"holdout rows .* hold only label 1.*holdout_cutoffs",
        ),
        (
            "alter table main.toy_features alter label type varchar",
            r"data.label 'label' must be a number",
        ),
    ],
)
def test_labels_that_are_not_binary_are_refused(tmp_path, change, message):
    project = toy_project(tmp_path, customers=60)
    _sql(project, change)
    with pytest.raises(SpecError, match=message):
        train_model(project, target_of(project), "toy")
    assert _versions(project) == []


def test_a_baseline_that_gives_text_is_refused_naming_the_key(tmp_path):
    spec = copy.deepcopy(TOY_SPEC)
    spec["baseline"]["sql"] = "seg"
    project = toy_project(tmp_path, customers=60, spec=spec)
    with pytest.raises(SpecError, match=r"baseline.sql 'seg' must run on toy_features and give"):
        train_model(project, target_of(project), "toy")


# --- a first version that loses to its rule -----------------------------------------------


def _losing_spec() -> dict[str, Any]:
    spec = copy.deepcopy(TOY_SPEC)
    spec["baseline"]["sql"] = "cast(label as double)"  # the rule that knows the answer
    return spec


def test_a_losing_first_version_says_so_on_its_passport(tmp_path):
    project = toy_project(tmp_path, customers=120, spec=_losing_spec())
    result = train_model(project, target_of(project), "toy")
    assert result.status == "champion" and "does not beat" in result.held
    con = connect(target_of(project))
    try:
        (passport,) = Registry(con, "main").passports()
    finally:
        con.close()
    assert "does NOT beat its rule baseline" in passport["warnings"]
    assert passport["serving"] == "model"


def test_a_webhook_url_is_stored_on_the_passport_without_its_secret(tmp_path):
    spec = copy.deepcopy(TOY_SPEC)
    spec["sla"]["alert_channel"] = "https://bot:s3cr3t@hooks.example.com/services/T0/B1/XYZ?k=v"
    project = toy_project(tmp_path, customers=120, spec=spec)
    train_model(project, target_of(project), "toy")
    con = connect(target_of(project))
    try:
        (passport,) = Registry(con, "main").passports()
    finally:
        con.close()
    assert passport["alert_channel"] == "https://hooks.example.com/…"


def test_require_beats_rule_keeps_a_losing_first_version_waiting(tmp_path):
    project = toy_project(tmp_path, customers=120, spec=_losing_spec())
    outcome = CliRunner().invoke(
        cli, ["--project-dir", str(project.root), "train", "toy", "--require-beats-rule"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert "waits as a challenger" in outcome.output
    con = connect(target_of(project))
    try:
        registry = Registry(con, "main")
        (passport,) = registry.passports()
        assert [v["status"] for v in registry.versions("toy")] == ["challenger"]
    finally:
        con.close()
    assert passport["champion_version"] is None and passport["serving"] == "rule"


# --- the spec reader ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "value", "named"),
    [
        ("metrics", {"primary": "roc_auc", "thresholds": {"roc_aux": 0.6}}, "roc_aux"),
        ("business_metric", {"nmae": "revenue"}, "nmae"),
        (
            "sla",
            {**TOY_SPEC["sla"], "degradation": [{"metric": "roc_aux", "below": 0.5}]},
            "roc_aux",
        ),
        ("data", {**TOY_SPEC["data"], "entity_key": "customer id"}, "entity_key"),
    ],
)
def test_typos_in_a_spec_are_refused_naming_them(tmp_path, section, value, named):
    spec = copy.deepcopy(TOY_SPEC)
    spec[section] = value
    write_spec(tmp_path / "models", "toy", spec)
    with pytest.raises(SpecError, match=named):
        load_spec([tmp_path / "models"], "toy")


def _keys(block: Any, prefix: str = "") -> list[tuple[str, ...]]:
    """Every path of keys (and list positions) in a nested mapping."""
    out: list[tuple[str, ...]] = []
    items = block.items() if isinstance(block, dict) else enumerate(block)
    for key, value in items:
        out.append((*prefix, key) if prefix else (key,))
        if isinstance(value, (dict, list)) and value:
            out += [(*(out[-1]), *rest) for rest in _keys(value)]
    return out


JUNK: list[Any] = [None, "", "x", 0, -1, 1.5, True, [], {}, ["a", 1], {"k": "v"}, "1e400"]


def _mutate(block: dict[str, Any], rng: random.Random) -> tuple[dict[str, Any], str]:
    mutated = copy.deepcopy(block)
    path = rng.choice(_keys(mutated))
    parent: Any = mutated
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    action = rng.choice(["drop", "replace", "add", "rename"])
    if action == "drop":
        del parent[key]
    elif action == "replace" or not isinstance(parent, dict):
        parent[key] = rng.choice(JUNK)
    elif action == "add":
        parent[f"unexpected_{rng.randrange(100)}"] = rng.choice(JUNK)
    else:
        parent[f"{key}x"] = parent.pop(key)
    return mutated, f"{action} {'.'.join(map(str, path))}"


def test_random_mutations_of_a_spec_parse_or_name_a_key(tmp_path):
    """500 random mutations of the toy spec: each one parses, or is refused with a
    ScorehouseError that names the file and a key of the spec; never a traceback."""
    rng = random.Random(20261207)
    keys = {str(k) for path in _keys(TOY_SPEC) for k in path} | {"task", "name"}
    refused = 0
    for i in range(500):
        block, what = _mutate(TOY_SPEC, rng)
        folder = tmp_path / f"m{i}"
        path = write_spec(folder, "toy", block)
        try:
            load_spec([folder], "toy")
        except ScorehouseError as error:
            refused += 1
            message = str(error)
            assert str(path) in message, (what, message)
            mentioned = set(message.replace(".", " ").replace(":", " ").replace("'", " ").split())
            assert mentioned & (keys | {k for k in json.dumps(block).split('"')}), (what, message)
        except Exception as error:  # a traceback: the defect this test is for
            pytest.fail(f"{what}: {type(error).__name__}: {error}")
    assert refused > 100


# --- command-line settings ------------------------------------------------------------------


def test_a_missing_profiles_dir_is_an_error_not_the_example(tmp_path):
    project = toy_project(tmp_path / "project", customers=30)
    missing = tmp_path / "nowhere"
    outcome = CliRunner().invoke(
        cli, ["--project-dir", str(project.root), "--profiles-dir", str(missing), "models"]
    )
    assert outcome.exit_code != 0
    assert f"--profiles-dir names {missing}" in outcome.output
    assert "does not exist" in outcome.output


def test_an_unwritable_output_file_is_a_message_not_a_traceback(tmp_path):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    saved = tmp_path / "model.joblib"
    joblib.dump(model, saved)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    outcome = CliRunner().invoke(
        cli,
        ["compile", str(saved), "--source", "t", "--features", "x", "-o", str(blocked / "x.sql")],
    )
    assert outcome.exit_code == 1
    assert f"cannot write the SQL to {blocked / 'x.sql'}" in outcome.output
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)


def test_exporting_an_audience_that_never_had_a_member_is_an_error(tmp_path):
    project = toy_project(tmp_path, customers=30)
    exposure = {
        "name": "never_built",
        "type": "application",
        "owner": {"email": "crm@example.com"},
        "depends_on": ["ref('seg_audience_sync')"],
        "meta": {"scorehouse_audience": {"model": "toy"}},
    }
    (project.root / "models" / "audiences.yml").write_text(
        yaml.safe_dump({"version": 2, "exposures": [exposure]})
    )
    _sql(project, "create table main.seg_audience_sync (audience varchar, member_key varchar)")
    _sql(project, "create table main.seg_membership_history (audience varchar)")
    path = tmp_path / "out.csv"
    outcome = CliRunner().invoke(
        cli, ["--project-dir", str(project.root), "export", "never_built", "-o", str(path)]
    )
    assert outcome.exit_code == 1
    assert "audience 'never_built' is declared but has never had a member" in outcome.output
    assert not path.exists()
    outcome = CliRunner().invoke(
        cli,
        ["--project-dir", str(project.root), "export", "never_built", "-o", str(path),
         "--allow-empty"],
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    assert path.read_text().splitlines() == ['"audience","member_key"']
