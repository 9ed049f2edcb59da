"""The dbt runner and the ``scorehouse demo`` command: errors worded for the user."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorehouse.cli.main import cli
from scorehouse.dbt import NodeResult, _failure_message, run_dbt
from scorehouse.errors import ScorehouseError
from scorehouse.project import find_project, resolve_target


def node(name: str, status: str, message: str | None = None) -> NodeResult:
    return NodeResult(
        unique_id=f"model.scorehouse.{name}",
        resource_type="model",
        name=name,
        schema="main",
        relation_name=name,
        materialized="view",
        status=status,
        message=message,
    )


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A dbt project whose DuckDB file is given relative to the project; of its two
    models, one reads a table that does not exist."""
    (tmp_path / "models").mkdir()
    (tmp_path / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0.0'\nconfig-version: 2\nprofile: tiny\n"
    )
    (tmp_path / "models" / "reads_nothing.sql").write_text("select * from raw.missing_table\n")
    (tmp_path / "models" / "fine.sql").write_text("select 1 as id\n")
    (tmp_path / "profiles.yml").write_text(
        textwrap.dedent(
            """\
            tiny:
              target: dev
              outputs:
                dev:
                  type: duckdb
                  path: tiny.duckdb
                  threads: 1
            """
        )
    )
    return tmp_path


def test_failure_message_names_failed_nodes_with_the_telling_line():
    nodes = [
        node("ok", "success"),
        node(
            "stg_raw__orders",
            "error",
            "Runtime Error in model stg_raw__orders (models/staging/stg_raw__orders.sql)\n"
            "  Catalog Error: Table with name orders does not exist!\n",
        ),
        node("unique_orders_order_id", "fail", "Got 3 results, configured to fail if != 0"),
    ]
    target = resolve_target(find_project(Path(__file__).parents[2]))
    message = _failure_message("build", target, nodes, None)
    assert "failed on 2 of 3 nodes" in message
    assert "model stg_raw__orders: Catalog Error: Table with name orders does not exist!" in message
    assert "unique_orders_order_id: Got 3 results" in message
    assert "  model ok" not in message


def test_run_dbt_raises_naming_the_failed_model(tiny_project: Path):
    target = resolve_target(find_project(tiny_project))
    with pytest.raises(ScorehouseError) as raised:
        run_dbt(target, "run", quiet=True)
    message = str(raised.value)
    assert "failed on 1 of 2 nodes" in message
    assert "reads_nothing" in message and "missing_table" in message


def test_run_dbt_finds_a_relative_duckdb_path_from_any_folder_and_frees_it(
    tiny_project, tmp_path_factory, monkeypatch
):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    target = resolve_target(find_project(tiny_project))
    run = run_dbt(target, "run", "--select", "fine", quiet=True)
    assert [node.name for node in run.nodes] == ["fine"]
    assert (tiny_project / "tiny.duckdb").is_file()
    # dbt's connection is closed once the command returns: another process may open the file.
    opened = subprocess.run(
        [sys.executable, "-c", "import duckdb; duckdb.connect('tiny.duckdb').close()"],
        cwd=tiny_project,
        capture_output=True,
        text=True,
    )
    assert opened.returncode == 0, opened.stderr


def test_run_dbt_reports_a_locked_duckdb_file_before_running(tiny_project: Path):
    target = resolve_target(find_project(tiny_project))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; con = duckdb.connect({str(tiny_project / 'tiny.duckdb')!r}); "
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        with pytest.raises(ScorehouseError, match="is locked by another process"):
            run_dbt(target, "run", quiet=True)
        assert time.perf_counter() - started < 5  # refused up front, dbt never started
    finally:
        holder.kill()
        holder.wait()


def test_demo_rejects_a_negative_customer_count(tmp_path: Path):
    result = CliRunner().invoke(cli, ["--project-dir", str(tmp_path), "demo", "--customers", "-5"])
    assert result.exit_code != 0
    assert "customers" in result.output and "-5" in result.output
    assert not any(tmp_path.iterdir())  # nothing written


def test_demo_help_says_what_it_does():
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    assert "--customers" in result.output and "--seed" in result.output
    assert "dbt" in result.output
