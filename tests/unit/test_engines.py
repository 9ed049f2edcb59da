"""Targets scorehouse's Python steps cannot reach are refused with a message, not guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorehouse.engines import ENGINES, connect, dialect_of, engine_of
from scorehouse.errors import ScorehouseError
from scorehouse.project import Target


def target(tmp_path: Path, **settings) -> Target:
    return Target("scorehouse", "remote", settings, tmp_path / "profiles.yml", tmp_path)


@pytest.mark.parametrize("method", ["thrift", "http", "odbc"])
def test_a_spark_server_target_is_refused_before_any_local_spark_starts(tmp_path, method):
    remote = target(tmp_path, type="spark", method=method, host="spark.internal", schema="s")
    with pytest.raises(ScorehouseError, match=f"method '{method}'.*'session' method"):
        connect(remote)


def test_an_unknown_target_type_names_it(tmp_path):
    with pytest.raises(ScorehouseError, match="'snowflake'"):
        connect(target(tmp_path, type="snowflake", schema="s"))


@pytest.mark.parametrize(
    ("adapter", "dialect"),
    [
        ("duckdb", "duckdb"),
        ("postgres", "postgres"),
        ("spark", "spark"),
        ("sqlserver", "tsql"),
        ("snowflake", "snowflake"),
    ],
)
def test_one_map_from_a_dbt_adapter_to_its_sqlglot_dialect(adapter, dialect):
    assert dialect_of(adapter) == dialect


def test_each_engine_is_found_by_its_adapter():
    for adapter, engine in ENGINES.items():
        assert engine.adapter == adapter
        assert engine_of(target(Path("."), type=adapter, schema="s")) is engine
