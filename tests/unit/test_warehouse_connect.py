"""Targets scorehouse's Python steps cannot reach are refused with a message, not guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorehouse.errors import ScorehouseError
from scorehouse.project import Target
from scorehouse.warehouse import connect


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
