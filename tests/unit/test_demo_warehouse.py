"""demo-data into a warehouse: row counts read back through Ibis, atomic replacement, and
the command's error messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ibis
import pytest
import yaml
from click.testing import CliRunner

from scorehouse.cli.main import cli
from scorehouse.demo import generate, load_demo
from scorehouse.demo.schema import TABLE_NAMES
from scorehouse.demo.write import SCRATCH_SUFFIX, _Writer, write_batches
from scorehouse.project import find_project, resolve_target

SMALL = 1000


def _write_project(root: Path, outputs: dict, raw_schema: str = "raw") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(yaml.safe_dump({
        "name": "scorehouse", "profile": "scorehouse", "config-version": 2,
        "vars": {"scorehouse_raw_schema": raw_schema,
                 "scorehouse_cutoff_start": "2025-01-01",
                 "scorehouse_cutoff_end": "2025-03-01"},
    }))
    target = next(iter(outputs))
    (root / "profiles.yml").write_text(yaml.safe_dump(
        {"scorehouse": {"target": target, "outputs": outputs}}
    ))
    return root


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A minimal dbt project whose default target is a DuckDB file in the temp dir."""
    db = tmp_path / "warehouse.duckdb"
    return _write_project(tmp_path / "project", {"dev": {"type": "duckdb", "path": str(db)}})


def _target(project_dir: Path):
    project = find_project(project_dir)
    return project, resolve_target(project)


def _counts(con, schema: str) -> dict[str, int]:
    return {name: int(con.table(name, database=schema).count().execute()) for name in TABLE_NAMES}


def _schema_names(con) -> set[str]:
    # Not con.list_databases() nor con.sql(): with duckdb 2.0 they fail in Ibis 12.
    cursor = con.raw_sql("SELECT schema_name FROM information_schema.schemata")
    return {row[0] for row in cursor.fetchall()}


def _schemas(db: Path) -> set[str]:
    con = ibis.duckdb.connect(str(db))
    try:
        return _schema_names(con)
    finally:
        con.disconnect()


def _generated_counts(customers: int, seed: int) -> dict[str, int]:
    counts = dict.fromkeys(TABLE_NAMES, 0)
    for batch in generate(customers, seed, _cutoffs()):
        for name, table in batch.items():
            counts[name] += table.num_rows
    return counts


def _cutoffs():
    import datetime as dt

    return (dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1))


def _read_counts(project_dir: Path, schema: str = "raw") -> dict[str, int]:
    con = ibis.duckdb.connect(str(project_dir.parent / "warehouse.duckdb"))
    try:
        return _counts(con, schema)
    finally:
        con.disconnect()


def test_writes_every_table_and_reads_back_the_same_counts(project_dir):
    project, target = _target(project_dir)
    report = load_demo(project, target, SMALL, seed=3)
    assert report.rows == _generated_counts(SMALL, 3)
    assert _read_counts(project_dir) == report.rows
    assert report.rows["customers"] == SMALL
    assert not any(s.endswith(SCRATCH_SUFFIX) for s in _schemas(project_dir.parent / "warehouse.duckdb"))


def test_a_second_run_replaces_the_tables(project_dir):
    project, target = _target(project_dir)
    load_demo(project, target, SMALL, seed=3)
    report = load_demo(project, target, SMALL + 200, seed=4)
    assert _read_counts(project_dir) == report.rows
    assert report.rows["customers"] == SMALL + 200


def _assert_untouched(project_dir: Path, before: dict[str, int]) -> None:
    assert _read_counts(project_dir) == before
    schemas = _schemas(project_dir.parent / "warehouse.duckdb")
    assert not any(s.endswith(SCRATCH_SUFFIX) for s in schemas), schemas


def test_failure_while_loading_leaves_the_previous_tables(project_dir, monkeypatch):
    project, target = _target(project_dir)
    before = load_demo(project, target, SMALL, seed=3).rows
    calls = []

    def failing_append(self, schema, name, table):
        calls.append(name)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        self.con.insert(name, table, database=schema)

    monkeypatch.setattr(_Writer, "append", failing_append)
    with pytest.raises(RuntimeError, match="disk full"):
        load_demo(project, target, SMALL + 200, seed=4)
    assert calls == ["customers", "orders"]
    _assert_untouched(project_dir, before)


def test_failure_while_publishing_rolls_back(project_dir, monkeypatch):
    """The swap drops and recreates tables one by one: a failure halfway must undo all."""
    project, target = _target(project_dir)
    before = load_demo(project, target, SMALL, seed=3).rows
    real_execute = _Writer.execute
    statements = []

    def failing_execute(self, sql):
        statements.append(sql)
        if sql.startswith("CREATE TABLE") and '"orders"' in sql and '"raw"' in sql:
            raise RuntimeError("connection lost")
        real_execute(self, sql)

    monkeypatch.setattr(_Writer, "execute", failing_execute)
    with pytest.raises(RuntimeError, match="connection lost"):
        load_demo(project, target, SMALL + 200, seed=4)
    assert any(s.startswith('DROP TABLE IF EXISTS "raw"."customers"') for s in statements)
    _assert_untouched(project_dir, before)


def test_ctrl_c_midway_leaves_no_tables_in_a_fresh_warehouse(project_dir):
    project, target = _target(project_dir)
    from scorehouse.warehouse import connect

    def interrupted():
        batches = generate(SMALL, 1, _cutoffs(), chunk_size=400)
        yield next(batches)
        raise KeyboardInterrupt

    con = connect(target)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_batches(con, interrupted(), "raw")
        assert _schema_names(con) & {"raw", "raw" + SCRATCH_SUFFIX} == set()
    finally:
        con.disconnect()


def test_cli_writes_and_prints_a_summary(project_dir):
    result = CliRunner().invoke(
        cli, ["--project-dir", str(project_dir), "demo-data", "--customers", str(SMALL),
              "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    printed = dict(
        line.split()[:2] for line in result.stdout.splitlines() if not line.startswith("written")
    )
    counts = _read_counts(project_dir)
    assert printed == {**{k: f"{v:,}" for k, v in counts.items()},
                       "total": f"{sum(counts.values()):,}"}
    assert str(project_dir.parent / "warehouse.duckdb") in result.output


def test_cli_writes_to_the_schema_the_dbt_var_names(tmp_path):
    db = tmp_path / "w.duckdb"
    root = _write_project(tmp_path / "p", {"dev": {"type": "duckdb", "path": str(db)}},
                          raw_schema="landing")
    result = CliRunner().invoke(
        cli, ["--project-dir", str(root), "demo-data", "--customers", "300"]
    )
    assert result.exit_code == 0, result.output
    assert "landing" in _schemas(db) and "raw" not in _schemas(db)


@pytest.mark.parametrize("customers", ["-5", "0", "99"])
def test_cli_rejects_too_few_customers(project_dir, customers):
    result = CliRunner().invoke(
        cli, ["--project-dir", str(project_dir), "demo-data", "--customers", customers]
    )
    assert result.exit_code == 1
    assert "--customers must be at least 100" in result.output
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
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
         " time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True,
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


@pytest.mark.postgres
def test_postgres_target_gets_the_same_tables(postgres_server, tmp_path):
    db = postgres_server.create_database("demo_data")
    outputs = {"pg": {"type": "postgres", "host": db.host, "port": db.port, "user": db.user,
                      "password": db.password, "dbname": db.dbname, "schema": "analytics"}}
    project_dir = _write_project(tmp_path / "pg", outputs)
    project, target = _target(project_dir)
    load_demo(project, target, SMALL, seed=3)
    report = load_demo(project, target, SMALL, seed=5)  # replaces the first set
    assert report.rows == _generated_counts(SMALL, 5)
    con = ibis.postgres.connect(host=db.host, port=db.port, user=db.user,
                                password=db.password, database=db.dbname)
    try:
        assert _counts(con, "raw") == report.rows
        assert "raw" + SCRATCH_SUFFIX not in _schema_names(con)
        types = con.table("campaign_assignments", database="raw").schema()
        assert str(types["converted_at"]).startswith("timestamp")
        assert con.table("customers", database="raw").customer_id.max().execute() == SMALL
    finally:
        con.disconnect()


@pytest.mark.postgres
def test_postgres_failure_while_publishing_rolls_back(postgres_server, tmp_path, monkeypatch):
    from scorehouse.demo.write import _PostgresWriter

    db = postgres_server.create_database("demo_data_atomic")
    outputs = {"pg": {"type": "postgres", "host": db.host, "port": db.port, "user": db.user,
                      "password": db.password, "dbname": db.dbname, "schema": "analytics"}}
    project, target = _target(_write_project(tmp_path / "pg", outputs))
    before = load_demo(project, target, SMALL, seed=3).rows
    real_execute = _PostgresWriter.execute

    def failing_execute(self, sql):
        if sql.startswith("ALTER TABLE") and '"orders"' in sql:
            raise RuntimeError("connection lost")
        real_execute(self, sql)

    monkeypatch.setattr(_PostgresWriter, "execute", failing_execute)
    with pytest.raises(RuntimeError, match="connection lost"):
        load_demo(project, target, SMALL + 200, seed=4)
    con = ibis.postgres.connect(host=db.host, port=db.port, user=db.user,
                                password=db.password, database=db.dbname)
    try:
        assert _counts(con, "raw") == before
        assert "raw" + SCRATCH_SUFFIX not in _schema_names(con)
    finally:
        con.disconnect()
