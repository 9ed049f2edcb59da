"""demo-data into a warehouse: row counts read back through the engine, atomic replacement, and
the command's error messages."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import yaml
from click.testing import CliRunner

from scorehouse.cli.main import cli
from scorehouse.demo import generate, load_demo
from scorehouse.demo.schema import TABLE_NAMES
from scorehouse.demo.write import LOADING_SUFFIX, write_batches
from scorehouse.engines import Connection, connect, qualified
from scorehouse.engines.duckdb import DuckDBConnection
from scorehouse.engines.postgres import PostgresConnection
from scorehouse.project import Project, Target, find_project, resolve_target

SMALL = 1000
CUTOFFS = (dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1))


def _write_project(root: Path, outputs: dict, raw_schema: str = "raw") -> Path:
    """A minimal dbt project: dbt_project.yml with the demo's vars, and a profiles.yml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "scorehouse",
                "profile": "scorehouse",
                "config-version": 2,
                "vars": {
                    "scorehouse_raw_schema": raw_schema,
                    "scorehouse_cutoff_start": CUTOFFS[0].isoformat(),
                    "scorehouse_cutoff_end": CUTOFFS[-1].isoformat(),
                },
            }
        )
    )
    (root / "profiles.yml").write_text(
        yaml.safe_dump({"scorehouse": {"target": next(iter(outputs)), "outputs": outputs}})
    )
    return root


def _target(project_dir: Path) -> tuple[Project, Target]:
    project = find_project(project_dir)
    return project, resolve_target(project)


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A project whose default target is a DuckDB file beside it in the temp dir."""
    db = tmp_path / "warehouse.duckdb"
    return _write_project(tmp_path / "project", {"dev": {"type": "duckdb", "path": str(db)}})


@contextlib.contextmanager
def _opened(project_dir: Path) -> Iterator[Connection]:
    with connect(_target(project_dir)[1], create=True) as con:
        yield con


def _names(con: Connection, sql: str) -> set[str]:
    return {row[0] for row in con.fetchall(sql)}


def _schemas(con: Connection) -> set[str]:
    return _names(con, "SELECT schema_name FROM information_schema.schemata")


def _loading_tables(con: Connection) -> set[str]:
    return _names(
        con,
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_name LIKE '%{LOADING_SUFFIX}'",
    )


def _count(con: Connection, schema: str, name: str) -> int:
    return int(con.fetchall(f"SELECT count(*) FROM {qualified(schema, name)}")[0][0])


def _counts(con: Connection, schema: str = "raw") -> dict[str, int]:
    return {name: _count(con, schema, name) for name in TABLE_NAMES}


def _generated_counts(customers: int, seed: int) -> dict[str, int]:
    counts = dict.fromkeys(TABLE_NAMES, 0)
    for batch in generate(customers, seed, CUTOFFS):
        for name, table in batch.items():
            counts[name] += table.num_rows
    return counts


def _assert_untouched(project_dir: Path, before: dict[str, int]) -> None:
    with _opened(project_dir) as con:
        assert _counts(con) == before
        assert _loading_tables(con) == set()


def _fail_on_rename(monkeypatch, connection: type[Connection], table: str) -> list[str]:
    """Make the publishing transaction fail when it renames ``table``; returns the SQL run."""
    real_execute = connection.execute
    statements: list[str] = []

    def failing_execute(self, sql, params=()):
        statements.append(sql)
        if sql.startswith("ALTER TABLE") and f'"{table}{LOADING_SUFFIX}"' in sql:
            raise RuntimeError("connection lost")
        real_execute(self, sql, params)

    monkeypatch.setattr(connection, "execute", failing_execute)
    return statements


def test_writes_every_table_and_reads_back_the_same_counts(project_dir):
    project, target = _target(project_dir)
    report = load_demo(project, target, SMALL, seed=3)
    assert report.rows == _generated_counts(SMALL, 3)
    assert report.rows["customers"] == SMALL
    with _opened(project_dir) as con:
        assert _counts(con) == report.rows
        assert _loading_tables(con) == set()


def test_a_second_run_replaces_the_tables(project_dir):
    project, target = _target(project_dir)
    load_demo(project, target, SMALL, seed=3)
    report = load_demo(project, target, SMALL + 200, seed=4)
    assert report.rows["customers"] == SMALL + 200
    with _opened(project_dir) as con:
        assert _counts(con) == report.rows


def test_failure_while_loading_leaves_the_previous_tables(project_dir, monkeypatch):
    project, target = _target(project_dir)
    before = load_demo(project, target, SMALL, seed=3).rows
    calls = []

    real_append = DuckDBConnection.append_arrow

    def failing_append(self, schema, name, table):
        calls.append(name)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        real_append(self, schema, name, table)

    monkeypatch.setattr(DuckDBConnection, "append_arrow", failing_append)
    with pytest.raises(RuntimeError, match="disk full"):
        load_demo(project, target, SMALL + 200, seed=4)
    assert calls == ["customers" + LOADING_SUFFIX, "orders" + LOADING_SUFFIX]
    _assert_untouched(project_dir, before)


def test_failure_while_publishing_rolls_back(project_dir, monkeypatch):
    """The swap replaces tables one by one: a failure halfway must undo all of it."""
    project, target = _target(project_dir)
    before = load_demo(project, target, SMALL, seed=3).rows
    statements = _fail_on_rename(monkeypatch, DuckDBConnection, "orders")
    with pytest.raises(RuntimeError, match="connection lost"):
        load_demo(project, target, SMALL + 200, seed=4)
    assert 'DROP TABLE IF EXISTS "raw"."customers"' in statements  # it was halfway
    _assert_untouched(project_dir, before)


def test_ctrl_c_midway_leaves_no_tables_in_a_fresh_warehouse(project_dir):
    def interrupted():
        batches = generate(SMALL, 1, CUTOFFS, chunk_size=400)
        yield next(batches)
        raise KeyboardInterrupt

    with _opened(project_dir) as con:
        with pytest.raises(KeyboardInterrupt):
            write_batches(con, interrupted(), "raw")
        assert "raw" not in _schemas(con)
        assert _loading_tables(con) == set()


def test_cli_writes_and_prints_a_summary(project_dir):
    result = CliRunner().invoke(
        cli,
        ["--project-dir", str(project_dir), "demo-data", "--customers", str(SMALL), "--seed", "3"],
    )
    assert result.exit_code == 0, result.output
    printed = dict(
        line.split()[:2] for line in result.stdout.splitlines() if not line.startswith("written")
    )
    with _opened(project_dir) as con:
        counts = _counts(con)
    assert printed == {
        **{k: f"{v:,}" for k, v in counts.items()},
        "total": f"{sum(counts.values()):,}",
    }
    assert str(project_dir.parent / "warehouse.duckdb") in result.stdout


def test_cli_writes_to_the_schema_the_dbt_var_names(tmp_path):
    db = tmp_path / "w.duckdb"
    root = _write_project(
        tmp_path / "p", {"dev": {"type": "duckdb", "path": str(db)}}, raw_schema="landing"
    )
    result = CliRunner().invoke(
        cli, ["--project-dir", str(root), "demo-data", "--customers", "300"]
    )
    assert result.exit_code == 0, result.output
    with _opened(root) as con:
        assert "landing" in _schemas(con) and "raw" not in _schemas(con)
        assert _counts(con, "landing")["customers"] == 300


@pytest.mark.parametrize("customers", ["-5", "0", "99"])
def test_cli_rejects_too_few_customers(project_dir, customers):
    result = CliRunner().invoke(
        cli, ["--project-dir", str(project_dir), "demo-data", "--customers", customers]
    )
    assert result.exit_code == 1
    assert f"--customers must be at least 100, got {customers}" in result.output
    assert "Traceback" not in result.output
    assert not (project_dir.parent / "warehouse.duckdb").exists()


def test_cli_reports_an_unknown_target(project_dir):
    result = CliRunner().invoke(
        cli, ["--project-dir", str(project_dir), "--target", "nope", "demo-data"]
    )
    assert result.exit_code == 1
    assert "unknown target 'nope'" in result.output and "dev" in result.output
    assert "Traceback" not in result.output


def test_cli_names_a_duckdb_file_locked_by_another_process(project_dir):
    db = project_dir.parent / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = CliRunner().invoke(
            cli, ["--project-dir", str(project_dir), "demo-data", "--customers", "300"]
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert str(db) in result.output and "locked" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def pg_project(postgres_server, tmp_path, request) -> Path:
    """A project whose target is a fresh database on the test suite's PostgreSQL server."""
    db = postgres_server.create_database("demo_" + request.node.name[-40:].lower())
    settings = {key: getattr(db, key) for key in ("host", "port", "user", "password", "dbname")}
    outputs = {"pg": {"type": "postgres", "schema": "analytics", **settings}}
    return _write_project(tmp_path / "pg", outputs)


@pytest.mark.postgres
def test_postgres_target_gets_the_same_tables(pg_project):
    project, target = _target(pg_project)
    load_demo(project, target, SMALL, seed=3)
    report = load_demo(project, target, SMALL, seed=5)  # replaces the first set
    assert report.rows == _generated_counts(SMALL, 5)
    with _opened(pg_project) as con:
        assert _counts(con) == report.rows
        assert _loading_tables(con) == set()
        types = con.relation_types("raw", "campaign_assignments")
        assert pa.types.is_timestamp(types["converted_at"])
        top = con.fetchall('SELECT max(customer_id) FROM "raw"."customers"')[0][0]
        assert top == SMALL


@pytest.mark.postgres
def test_postgres_failure_while_publishing_rolls_back(pg_project, monkeypatch):
    project, target = _target(pg_project)
    before = load_demo(project, target, SMALL, seed=3).rows
    _fail_on_rename(monkeypatch, PostgresConnection, "orders")
    with pytest.raises(RuntimeError, match="connection lost"):
        load_demo(project, target, SMALL + 200, seed=4)
    _assert_untouched(pg_project, before)
