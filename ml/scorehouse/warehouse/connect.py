"""Open an Ibis connection to the warehouse a dbt target points at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def connect(target: Target, *, create: bool = False) -> Any:
    """An Ibis backend connected to ``target``'s warehouse.

    A DuckDB file that does not exist is created only when ``create`` is set (the demo's
    loader); everywhere else its absence is an error, so that a warehouse deleted while a
    command runs is not silently replaced by an empty one."""
    import ibis

    if target.type == "duckdb":
        path = duckdb_path(target)
        if not path.is_file() and not create:
            raise ScorehouseError(
                f"the DuckDB file {path} of target {target.name!r} does not exist: build the "
                "warehouse first (`dbt build`, or `scorehouse demo` for the demo)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return ibis.duckdb.connect(str(path))
        except Exception as error:  # duckdb raises IOException for a held lock
            if "lock" in str(error).lower():
                raise ScorehouseError(
                    f"the DuckDB file {path} is locked by another process (a running dbt, "
                    "scorehouse or notebook); close it and try again"
                ) from error
            raise
    if target.type == "postgres":
        s = target.settings
        try:
            return ibis.postgres.connect(
                host=s.get("host", "localhost"),
                port=int(s.get("port", 5432)),
                user=s.get("user"),
                password=s.get("password") or s.get("pass"),
                database=s.get("dbname") or s.get("database"),
            )
        except Exception as error:
            raise ScorehouseError(
                f"cannot connect to PostgreSQL target {target.name!r} at "
                f"{s.get('host')}:{s.get('port')}: {error}"
            ) from error
    if target.type == "spark":
        return _connect_spark(target)
    raise ScorehouseError(
        f"target {target.name!r} has type {target.type!r}; scorehouse supports duckdb, postgres "
        "and spark"
    )


def _connect_spark(target: Target) -> Any:
    """Ibis's pyspark backend on the process's SparkSession (shared with dbt-spark).

    Ibis's ``disconnect`` stops the SparkSession; the session belongs to the whole process
    (dbt runs in it too, and a new one would have to boot the metastore again), so the
    backend returned here leaves it running when disconnected.
    """
    import ibis

    from scorehouse.warehouse import spark

    method = target.settings.get("method", "session")
    if method != "session":
        raise ScorehouseError(
            f"target {target.name!r} reaches Spark with method {method!r}; scorehouse's Python "
            "steps run only on dbt-spark's 'session' method (a local SparkSession). Run dbt "
            "alone against this target, or give scorehouse a session target"
        )
    con = ibis.pyspark.connect(spark.session(target))
    con.disconnect = lambda: None
    return con
