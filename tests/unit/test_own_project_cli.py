"""The Python side in a user's project: the installed dbt package's version, `scorehouse
init`, and specs naming relations the project does not have."""

from __future__ import annotations

import copy

import pytest
import yaml
from click.testing import CliRunner

import scorehouse
from scorehouse.cli.main import cli
from scorehouse.spec import SpecError, load_spec
from scorehouse.training.train import train_model
from tests.support.project import TOY_SPEC, target_of, toy_project


@pytest.fixture(autouse=True)
def _no_profile_env(monkeypatch):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)


def _invoke(project, *args):
    return CliRunner().invoke(cli, ["--project-dir", str(project.root), *args])


def test_a_dbt_package_of_another_version_is_refused_with_the_fix(tmp_path):
    project = toy_project(tmp_path, customers=30)
    installed = tmp_path / "dbt_packages" / "scorehouse"
    installed.mkdir(parents=True)
    (installed / "dbt_project.yml").write_text(
        yaml.safe_dump({"name": "scorehouse", "version": "0.0.9"})
    )
    result = _invoke(project, "models")
    assert result.exit_code == 1
    assert "dbt package scorehouse is version 0.0.9" in result.output
    assert f"the scorehouse command is {scorehouse.__version__}" in result.output
    assert "pip install 'scorehouse==0.0.9'" in result.output and "dbt deps" in result.output
    (installed / "dbt_project.yml").write_text(
        yaml.safe_dump({"name": "scorehouse", "version": scorehouse.__version__})
    )
    assert _invoke(project, "models").exit_code == 0


def test_init_writes_a_spec_from_the_warehouse_types_with_owners_left_to_fill(tmp_path):
    project = toy_project(tmp_path, customers=60)
    result = _invoke(
        project, "init", "toy2", "--relation", "toy_features", "--label", "label",
        "--entity-key", "customer_id", "--cutoff", "cutoff_date",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = project.root / "models" / "scorehouse" / "toy2.yml"
    assert f"wrote {written}" in result.output
    assert written.read_text().startswith("# Written by `scorehouse init toy2`")
    spec = load_spec(project.model_paths, "toy2")
    assert spec.data.numeric == ("x1", "x2", "rule_score")
    assert spec.data.categorical == ("seg",)
    assert (spec.data.entity_key, spec.data.cutoff, spec.data.label) == (
        "customer_id", "cutoff_date", "label",
    )  # fmt: skip
    assert spec.todo == [
        "people.owner", "people.business_owner", "people.kill_switch_owner", "baseline.sql",
    ]  # fmt: skip
    with pytest.raises(SpecError, match=r"still has TODO in people.owner, .*baseline.sql"):
        train_model(project, target_of(project), "toy2")
    again = _invoke(
        project, "init", "toy2", "--relation", "toy_features", "--label", "label",
        "--entity-key", "customer_id", "--cutoff", "cutoff_date",
    )  # fmt: skip
    assert again.exit_code == 1 and "already declared" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--relation", "nowhere"], "relation 'nowhere' is not a model, seed or snapshot"),
        (["--label", "lable"], "has no column lable"),
        (["--cutoff", "cutoff date"], "cutoff 'cutoff date' is not a plain SQL identifier"),
    ],
)
def test_init_refuses_what_does_not_exist(tmp_path, args, message):
    project = toy_project(tmp_path, customers=30)
    given = {"--relation": "toy_features", "--label": "label", "--entity-key": "customer_id",
             "--cutoff": "cutoff_date"}  # fmt: skip
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = _invoke(project, "init", "toy2", *[x for kv in given.items() for x in kv])
    assert result.exit_code == 1 and message in result.output, result.output


def test_a_spec_naming_a_relation_the_project_lacks_is_refused_with_its_name(tmp_path):
    spec = copy.deepcopy(TOY_SPEC)
    spec["data"]["score_relation"] = "toy_features_today"
    project = toy_project(tmp_path, customers=30, spec=spec)
    result = _invoke(project, "train", "toy")
    assert result.exit_code == 1
    assert (
        "data.score_relation 'toy_features_today' is not a model, seed or snapshot" in result.output
    )
