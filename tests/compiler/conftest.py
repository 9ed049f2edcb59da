"""The engines compiled SQL is executed on: DuckDB in-process and a real PostgreSQL."""

from __future__ import annotations

from functools import partial

import pytest

from tests.compiler.harness import run_duckdb, run_postgres


@pytest.fixture(params=["duckdb", "postgres"])
def engine(request):
    """(runner, dialect): a function running SQL over a frame registered as `src`."""
    if request.param == "duckdb":
        return run_duckdb, "duckdb"
    server = request.getfixturevalue("postgres_server")
    return partial(run_postgres, server), "postgres"
