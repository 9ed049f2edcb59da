"""The engines compiled SQL is executed on: DuckDB in-process, a real PostgreSQL and Spark
in local mode (one session per pytest process, the ``spark_session`` fixture)."""

from __future__ import annotations

import os
from functools import partial

import pytest

from tests.compiler.harness import run_duckdb, run_postgres, run_spark


@pytest.fixture(params=["duckdb", "postgres", "spark"])
def engine(request):
    """(runner, dialect): a function running SQL over a frame registered as `src`."""
    if request.param == "duckdb":
        return run_duckdb, "duckdb"
    if request.param == "spark":
        return partial(run_spark, request.getfixturevalue("spark_session")), "spark"
    server = request.getfixturevalue("postgres_server")
    return partial(run_postgres, server), "postgres"


def pytest_collection_modifyitems(config, items):
    """Deselect the Spark run of cases marked ``duckdb_postgres_only`` (harness.NOT_ON_SPARK)."""
    if os.environ.get("SCOREHOUSE_SPARK_ALL") == "1":
        return
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_spark = callspec is not None and callspec.params.get("engine") == "spark"
        (drop if on_spark and item.get_closest_marker("duckdb_postgres_only") else keep).append(
            item
        )
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
