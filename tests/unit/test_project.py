from pathlib import Path

import pytest
from click.testing import CliRunner

from scorehouse.cli.main import cli
from scorehouse.errors import ScorehouseError
from scorehouse.project import dbt_profiles_dir, find_project, resolve_target

PROFILE = """
scorehouse:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('SH_TEST_DIR', 'fallback') }}/w.duckdb"
      threads: 1
"""


def make_project(tmp_path: Path, profiles_name: str = "profiles.yml") -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: scorehouse\nprofile: scorehouse\n")
    (tmp_path / profiles_name).write_text(PROFILE)
    return tmp_path


def test_profile_is_found_and_env_var_rendered(tmp_path, monkeypatch):
    monkeypatch.setenv("SH_TEST_DIR", "/data")
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    project = find_project(make_project(tmp_path) / ".")
    target = resolve_target(project)
    assert target.name == "dev"
    assert target.settings["path"] == "/data/w.duckdb"
    assert dbt_profiles_dir(target) == tmp_path


def test_example_profile_is_used_when_no_profiles_file(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    project = find_project(make_project(tmp_path, "profiles.example.yml"))
    target = resolve_target(project)
    assert target.profiles_path.name == "profiles.example.yml"
    copy_dir = dbt_profiles_dir(target)
    assert (copy_dir / "profiles.yml").read_text() == PROFILE


def test_unknown_target_names_the_target_and_the_known_ones(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    project = find_project(make_project(tmp_path))
    with pytest.raises(ScorehouseError, match=r"unknown target 'prod'.*targets there: dev"):
        resolve_target(project, "prod")


def test_missing_project_is_a_clear_error(tmp_path):
    with pytest.raises(ScorehouseError, match="no dbt_project.yml"):
        find_project(tmp_path)


def test_every_command_has_help():
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0
    assert cli.commands, "no sub-commands registered"
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert name in top.output
        assert (command.help or "").strip(), f"{name} has no help text"
