"""Where Spark SQL differs from DuckDB and PostgreSQL, and what scorehouse does about it.

Each ``spark__`` macro is rendered from its file and run on the test process's
SparkSession (ANSI mode off, as dbt-spark runs), beside the default it replaces. The
statements scorehouse itself runs (registry, alerts, uplift tables: ``?`` parameters,
UPDATE, DELETE, a transaction's rollback) go through the Spark engine's connection.
(Decimal literals and the compiled models' types on Spark: tests/compiler/test_spark.py.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from scorehouse.engines import Connection, quote
from scorehouse.engines.spark import SparkConnection, SparkEngine
from scorehouse.engines.spark_statements import named_placeholders
from tests.support.macros import Macros

REPO = Path(__file__).resolve().parents[2]
SPARK_MACROS = Macros("spark")
SCHEMA = "spark_sql_checks"


def macro(path: str, name: str) -> Any:
    """Macro ``name`` (defined in ``macros/<path>``), rendered as dbt-spark renders it: the
    macros it calls dispatch to their Spark versions."""
    assert (REPO / "macros" / path).is_file(), path
    return lambda *args: str(SPARK_MACROS.call(name, *args)).strip()


def value(spark, sql: str) -> Any:
    return spark.sql(sql).first()[0]


def in_time_zone(spark, zone: str, sql: str) -> Any:
    """The first row of ``sql`` run with the session's time zone set to ``zone``."""
    before = spark.conf.get("spark.sql.session.timeZone")
    try:
        spark.conf.set("spark.sql.session.timeZone", zone)
        return spark.sql(sql).first()
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)


def test_ansi_mode_is_off_as_under_dbt_spark(spark_session):
    """dbt-spark switches ANSI mode off: a bad cast gives NULL instead of failing, which is
    what made the default regexp_replace_all silently wrong (next test)."""
    assert spark_session.conf.get("spark.sql.ansi.enabled") == "false"
    assert value(spark_session, "SELECT cast('g' AS int)") is None


def test_regexp_replace_all_replaces_every_match(spark_session):
    default = macro("cross_db/regexp_replace_all.sql", "default__regexp_replace_all")
    spark = macro("cross_db/regexp_replace_all.sql", "spark__regexp_replace_all")
    phone = "'+49 (171) 555-01'"
    # the default's 'g' flag is Spark's start position: cast to int, NULL, so NULL out
    assert value(spark_session, f"SELECT {default(phone, '[^0-9+]', '')}") is None
    assert value(spark_session, f"SELECT {spark(phone, '[^0-9+]', '')}") == "+4917155501"


def test_double_is_spelled_double(spark_session):
    from pyspark.errors import ParseException

    spark = macro("cross_db/type_double.sql", "spark__type_double")
    with pytest.raises(ParseException):
        spark_session.sql("SELECT cast('0.1' AS double precision)")
    assert value(spark_session, f"SELECT typeof(cast('0.1' AS {spark()}))") == "double"
    assert value(spark_session, f"SELECT cast('0.1' AS {spark()})") == 0.1


def test_integer_division_and_booleans_as_doubles(spark_session):
    """Spark's `/` always divides as fractions; safe_divide and bool_to_double's defaults
    hold on Spark as they are."""
    divide = macro("cross_db/safe_divide.sql", "default__safe_divide")
    as_double = macro("cross_db/bool_to_double.sql", "default__bool_to_double")
    assert value(spark_session, "SELECT 7 / 2") == 3.5
    assert value(spark_session, f"SELECT {divide('7', '2')}") == 3.5
    assert value(spark_session, f"SELECT {divide('7', '0')}") is None
    row = spark_session.sql(
        f"SELECT {as_double('true')}, {as_double('false')}, {as_double('cast(NULL AS boolean)')}"
    ).first()
    assert tuple(row) == (1.0, 0.0, None)


def test_as_utc_gives_the_utc_wall_clock_whatever_the_session_time_zone(spark_session):
    as_utc = macro("monitoring/as_utc.sql", "spark__as_utc")
    # noon in New York in January is 17:00 UTC
    expression = as_utc("timestamp '2025-01-15 12:00:00'")
    row = in_time_zone(
        spark_session, "America/New_York", f"SELECT v, typeof(v) FROM (SELECT {expression} AS v)"
    )
    assert tuple(row) == (dt.datetime(2025, 1, 15, 17, 0), "timestamp_ntz")


def test_utc_timestamptz_is_the_same_instant_whatever_the_session_time_zone(spark_session):
    stated = macro("cross_db/utc_timestamptz.sql", "spark__utc_timestamptz")
    expression = stated("timestamp_ntz '2025-01-15 12:00:00'")
    row = in_time_zone(
        spark_session,
        "Asia/Tokyo",
        f"SELECT unix_seconds(v), typeof(v) FROM (SELECT {expression} AS v)",
    )
    instant = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC).timestamp()
    assert tuple(row) == (instant, "timestamp")


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2025-01-01 00:00:00", "2025-01-30 23:59:59", 29),
        ("2025-01-01 00:00:00", "2025-01-31 00:00:00", 30),
        ("2025-03-01 12:00:00", "2025-03-01 11:00:00", -1),
    ],
)
def test_elapsed_days_counts_whole_days(spark_session, start, end, days):
    elapsed = macro("monitoring/elapsed_days.sql", "spark__elapsed_days")
    sql = elapsed(f"timestamp_ntz'{start}'", f"timestamp_ntz'{end}'")
    assert value(spark_session, f"SELECT {sql}") == days


def test_string_agg_ordered_skips_nulls_and_sorts(spark_session):
    agg = macro("cross_db/string_agg_ordered.sql", "spark__string_agg_ordered")
    sql = f"SELECT {agg('v', repr(', '), 'v')} FROM VALUES ('b'), (NULL), ('c'), ('a') AS t(v)"
    assert value(spark_session, sql) == "a, b, c"


# ---------------------------------------------------------------------------------------
# scorehouse's own statements through the engine's connection


@pytest.fixture
def session(spark_session, tmp_path):
    from tests.support.project import output_target
    from tests.support.spark_loop import scratch_of, spark_output

    spark_session.sql(f"DROP DATABASE IF EXISTS {SCHEMA} CASCADE")
    spark_session.sql(f"CREATE DATABASE {SCHEMA}")
    target = output_target(spark_output(scratch_of(spark_session)), tmp_path)
    s = SparkConnection(SparkEngine(), target, spark_session)
    s.execute(
        f"CREATE TABLE {quote(SCHEMA)}.{quote('t')} "
        '("name" TEXT, "n" INTEGER, "x" FLOAT8, "at" TIMESTAMP, "ok" BOOLEAN)'
    )
    yield s
    spark_session.sql(f"DROP DATABASE IF EXISTS {SCHEMA} CASCADE")


TABLE = f'"{SCHEMA}"."t"'


def rows(session: Connection) -> list[tuple]:
    return session.fetchall(f'SELECT "name", "n", "x", "at", "ok" FROM {TABLE} ORDER BY "name"')


def test_question_marks_become_bound_parameters_outside_quotes():
    assert named_placeholders("SELECT '?', \"a?\" FROM t WHERE a = ? AND b = ?") == (
        "SELECT '?', \"a?\" FROM t WHERE a = :p0 AND b = :p1",
        2,
    )


def test_parameters_are_values_never_sql(session):
    at = dt.datetime(2025, 3, 1, 12, 30)
    tricky = "o'brien'); DROP TABLE t; --"
    session.executemany(
        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
        [[tricky, 1, 0.1, at, True], ["b", None, None, None, None]],
    )
    assert rows(session) == [("b", None, None, None, None), (tricky, 1, 0.1, at, True)]
    assert session.fetchall(f'SELECT "n" FROM {TABLE} WHERE "name" = ?', [tricky]) == [(1,)]


def test_update_and_delete_rewrite_the_table(session):
    session.executemany(
        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
        [["a", 1, 1.5, None, True], ["b", 2, 2.5, None, False], ["c", None, 3.5, None, None]],
    )
    session.execute(f'UPDATE {TABLE} SET "x" = ?, "ok" = ? WHERE "n" >= ?', [9.25, None, 2])
    # a NULL condition (row c) does not match, as in SQL
    assert [(r[0], r[2], r[4]) for r in rows(session)] == [
        ("a", 1.5, True),
        ("b", 9.25, None),
        ("c", 3.5, None),
    ]
    session.execute(f'DELETE FROM {TABLE} WHERE "n" = ?', [1])
    assert [r[0] for r in rows(session)] == ["b", "c"]
    session.execute(f"DELETE FROM {TABLE}")
    assert rows(session) == []


def test_a_failed_transaction_leaves_the_tables_as_they_were(session):
    session.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)", [["a", 1, 1.0, None, True]])
    before = rows(session)
    with pytest.raises(RuntimeError), session.transaction():
        session.execute(f'UPDATE {TABLE} SET "n" = ? WHERE "name" = ?', [5, "a"])
        session.executemany(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)", [["z", 2, 2.0, None, None]]
        )
        assert len(rows(session)) == 2
        raise RuntimeError("stop")
    assert rows(session) == before


def test_missing_columns_are_added_and_schemas_listed(session):
    session.add_missing_columns(TABLE, [("n", "INTEGER"), ("note", "TEXT"), ("y", "FLOAT8")])
    assert session.relation_columns(SCHEMA)["t"] == {"name", "n", "x", "at", "ok", "note", "y"}
    assert session.schema_exists(SCHEMA) and not session.schema_exists("no_such_schema")


# ---------------------------------------------------------------------------------------
# The Derby metastore: one process at a time


def test_a_metastore_held_by_a_running_spark_is_named_in_the_error(spark_session, tmp_path):
    from scorehouse.engines.spark_session import check_metastore_unlocked, metastore_dir
    from scorehouse.errors import ScorehouseError
    from scorehouse.project import Target
    from tests.support.spark_loop import scratch_of, spark_output

    spark_session.catalog.listDatabases()  # the metastore is booted on first use
    output = spark_output(scratch_of(spark_session))
    target = Target("scorehouse", "spark", output, tmp_path / "profiles.yml", tmp_path)
    held = metastore_dir(target)
    assert held == scratch_of(spark_session) / "metastore_db"
    # Spark's JVM is a process of its own: its lock shows from here as from any process
    with pytest.raises(ScorehouseError, match=f"metastore {held} is in use"):
        check_metastore_unlocked(held)
    check_metastore_unlocked(tmp_path / "metastore_db")  # none there: nothing to say
