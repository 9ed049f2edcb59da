"""A throw-away copy of the dbt project, with its own profiles.yml and warehouse.

Tests never touch the checkout's warehouse, artifacts or generated scoring models: the
project's sources are copied into a temporary folder, with a profile whose outputs point at
a DuckDB file in that folder or at a database of the suite's PostgreSQL server.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from scorehouse.project import Project, Target, find_project, resolve_target
from scorehouse.warehouse import connect
from tests.support.postgres import PostgresServer

REPO = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "data-tests")
# Written by `scorehouse compile` in the checkout: a copy starts without any.
GENERATED = "generated"


def duckdb_output(path: Path, schema: str = "main", threads: int = 2) -> dict[str, Any]:
    return {"type": "duckdb", "path": str(path), "schema": schema, "threads": threads}


def postgres_output(db: PostgresServer, schema: str = "analytics") -> dict[str, Any]:
    return {
        "type": "postgres",
        "host": db.host,
        "port": db.port,
        "user": db.user,
        "password": db.password,
        "dbname": db.dbname,
        "schema": schema,
        "threads": 2,
    }


def write_profile(dest: Path, outputs: dict[str, dict]) -> None:
    """``dest/profiles.yml`` for profile scorehouse; the first output is the default."""
    profiles = {"scorehouse": {"target": next(iter(outputs)), "outputs": outputs}}
    (dest / "profiles.yml").write_text(yaml.safe_dump(profiles))


def copy_project(dest: Path, outputs: dict[str, dict]) -> Project:
    """The dbt project copied into ``dest``, with a profiles.yml holding ``outputs`` (the
    first one is the default target)."""
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns(GENERATED))
        else:
            shutil.copy(source, dest / part)
    write_profile(dest, outputs)
    return find_project(dest)


def target_of(project: Project, name: str | None = None) -> Target:
    return resolve_target(project, name, project.root)


def edit_spec(project: Project, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to the ``meta.scorehouse`` block of model ``<name>_scores`` in the
    copy's ``models/ml/<name>.yml``."""
    path = project.root / "models" / "ml" / f"{name}.yml"
    document = yaml.safe_load(path.read_text())
    (model,) = [m for m in document["models"] if m["name"] == f"{name}_scores"]
    change(model["config"]["meta"]["scorehouse"])
    path.write_text(yaml.safe_dump(document, sort_keys=False))


class Warehouse:
    """Reads tables of a target's warehouse into pandas, through Ibis."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def read(self, schema: str, name: str) -> pd.DataFrame:
        con = connect(self.target)
        try:
            return con.table(name, database=schema).to_pandas()
        finally:
            con.disconnect()

    def execute(self, *statements: str) -> None:
        con = connect(self.target)
        try:
            for sql in statements:
                con.raw_sql(sql)
        finally:
            con.disconnect()

