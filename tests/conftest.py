"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import ManagedPostgres, PostgresServer
from tests.support.spark import start_session


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, started from the Debian package's binaries."""
    managed = ManagedPostgres()
    try:
        yield managed.start()
    finally:
        managed.stop()


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """One local Spark session (local[2], Hive support) for the whole pytest process.

    Its Derby metastore, warehouse folder and derby.log live in a scratch folder (see
    ``tests/support/spark.py``). A JVM holds one SparkContext and Derby admits one process,
    so every Spark test shares this fixture: the compiler tests run SQL on it through temp
    views, and dbt-spark's ``session`` method (``SparkSession.builder...getOrCreate()``)
    picks the same session up when dbt runs in this process, whatever its profile's
    ``server_side_parameters`` say about static settings (the first builder fixes them).
    The scratch folder holds the ``warehouse`` folder that ``spark.sql.warehouse.dir`` names.
    Runtime settings a test changes (``spark.conf.set``) it must set back. Stopped when the
    pytest session ends.
    """
    pytest.importorskip("pyspark")
    spark = start_session(tmp_path_factory.mktemp("spark"))
    try:
        yield spark
    finally:
        spark.stop()
