"""DuckDB, the embedded default: one file, through DuckDB's own Python client.

A DuckDB file admits one process that writes: scorehouse opens it for as short as it can,
and checks the lock before dbt opens it, to say which file is held rather than let dbt fail
deep in a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from scorehouse.engines.base import Connection, Engine, qualified
from scorehouse.errors import ScorehouseError
from scorehouse.project import Target


def duckdb_path(target: Target) -> Path:
    """The DuckDB file of a duckdb target; relative paths are relative to the project."""
    raw = str(target.settings.get("path", ":memory:"))
    if raw == ":memory:":
        raise ScorehouseError(
            f"target {target.name!r} uses an in-memory DuckDB, which dbt and scorehouse cannot "
            "share: give it a file path"
        )
    path = Path(raw)
    return path if path.is_absolute() else target.project_dir / path


def _locked(path: Path, error: Exception) -> ScorehouseError:
    return ScorehouseError(
        f"the DuckDB file {path} is locked by another process (a running dbt, scorehouse or "
        "notebook); close it and try again"
    )


class DuckDBConnection(Connection):
    def __init__(self, engine: Engine, target: Target, con: Any):
        super().__init__(engine, target)
        self.con = con

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(sql, list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.con.executemany(sql, [list(r) for r in rows])

    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self.con.sql(sql, params=list(params) or None).to_arrow_table()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def create_table_like(self, schema: str, name: str, arrow_schema: pa.Schema) -> None:
        with self._registered(arrow_schema.empty_table()) as view:
            self.con.execute(f"CREATE TABLE {qualified(schema, name)} AS SELECT * FROM {view}")

    def append_arrow(self, schema: str, name: str, table: pa.Table) -> None:
        with self._registered(table) as view:
            self.con.execute(f"INSERT INTO {qualified(schema, name)} BY NAME SELECT * FROM {view}")

    @contextlib.contextmanager
    def _registered(self, table: pa.Table) -> Iterator[str]:
        """``table`` as a view DuckDB reads in place (no copy), for one statement."""
        view = "__scorehouse_arrow"
        self.con.register(view, table)
        try:
            yield view
        finally:
            self.con.unregister(view)

    def close(self) -> None:
        self.con.close()


class DuckDBEngine(Engine):
    adapter = "duckdb"
    dialect = "duckdb"
    types = {
        "text": "VARCHAR",
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "double": "DOUBLE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
    }

    def connect(self, target: Target, *, create: bool = False) -> Connection:
        import duckdb

        path = duckdb_path(target)
        if not path.is_file() and not create:
            raise ScorehouseError(
                f"the DuckDB file {path} of target {target.name!r} does not exist: build the "
                "warehouse first (`dbt build`, or `scorehouse demo` for the demo)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path))
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise _locked(path, error) from error
            raise
        return DuckDBConnection(self, target, con)

    def check_free(self, target: Target) -> None:
        import duckdb

        path = duckdb_path(target)
        if not path.is_file():
            return
        try:
            duckdb.connect(str(path)).close()
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise ScorehouseError(f"cannot run dbt: {_locked(path, error)}") from error
            raise
        except duckdb.Error:
            pass  # e.g. already open in this process with other settings: dbt will share it

    def after_dbt(self) -> None:
        """dbt-duckdb caches one connection per process and may hold the file's lock after
        a command returns: closed here, the file is free for other processes at once, and
        the next command opens the file its own project names."""
        try:
            from dbt.adapters.duckdb.connections import DuckDBConnectionManager
        except ImportError:  # dbt-duckdb not installed: nothing to release
            return
        with DuckDBConnectionManager._LOCK:
            env = DuckDBConnectionManager._ENV
            DuckDBConnectionManager._ENV = None
            if env is not None:
                env.close()

    def location(self, target: Target, schema: str) -> str:
        return f"schema {schema} of {duckdb_path(target)} (target {target.name})"
