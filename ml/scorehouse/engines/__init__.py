"""The warehouses scorehouse's Python steps run on, one :class:`Engine` each, found by the
dbt adapter type of a target. Adding one is a module with its Engine, registered here."""

from __future__ import annotations

from scorehouse.engines.base import Connection, Engine, qualified, quote, refuse_type
from scorehouse.engines.duckdb import DuckDBEngine, duckdb_path
from scorehouse.engines.postgres import PostgresEngine
from scorehouse.engines.spark import SparkEngine
from scorehouse.project import Target

ENGINES: dict[str, Engine] = {
    engine.adapter: engine for engine in (DuckDBEngine(), PostgresEngine(), SparkEngine())
}


def engine_of(target: Target) -> Engine:
    """The engine of ``target``'s adapter type, or an error naming the types there are."""
    try:
        return ENGINES[target.type]
    except KeyError:
        raise refuse_type(target, sorted(ENGINES)) from None


# dbt adapters whose sqlglot dialect has another name; the rest share their names
# (snowflake, bigquery, trino, databricks, redshift, ...)
ADAPTER_DIALECTS = {"sqlserver": "tsql", "fabric": "tsql", "synapse": "tsql"}


def dialect_of(adapter: str) -> str:
    """The sqlglot dialect of a dbt adapter type, for SQL compiled for it (any adapter:
    compiling a model file needs no connection)."""
    engine = ENGINES.get(adapter)
    return engine.dialect if engine else ADAPTER_DIALECTS.get(adapter, adapter)


def connect(target: Target, *, create: bool = False) -> Connection:
    """A connection to ``target``'s warehouse (a context manager that closes it)."""
    return engine_of(target).connect(target, create=create)


__all__ = [
    "ENGINES",
    "Connection",
    "Engine",
    "connect",
    "dialect_of",
    "duckdb_path",
    "engine_of",
    "qualified",
    "quote",
]
