"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import ManagedPostgres, PostgresServer


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, started from the Debian package's binaries."""
    managed = ManagedPostgres()
    try:
        yield managed.start()
    finally:
        managed.stop()
