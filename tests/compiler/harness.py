"""Run compiled SQL on a real engine and compare it with the estimator itself."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import psycopg2
import pytest

import scorehouse
from tests.support.frames import column_type
from tests.support.postgres import PostgresServer
from tests.support.spark import to_spark

ABS_TOL = 1e-12
ROW_ID = "row_id"

# A case marked so runs on DuckDB and PostgreSQL but not on Spark, where every query costs
# about a second of planning and code generation: Spark runs a representative set (the
# whole of test_models_exact.py, and some cases of each other test). SCOREHOUSE_SPARK_ALL=1
# runs every case on Spark too (tests/compiler/conftest.py).
NOT_ON_SPARK = pytest.mark.duckdb_postgres_only


def spark_subset(names: list[str], on_spark: set[str]) -> list[object]:
    """``names`` as pytest parameters; the ones outside ``on_spark`` skip Spark."""
    unknown = on_spark - set(names)
    assert not unknown, f"no such cases: {sorted(unknown)}"
    return [n if n in on_spark else pytest.param(n, marks=NOT_ON_SPARK) for n in names]


def _pg_type(series: pd.Series) -> str:
    kind = column_type(series)
    return {"double": "double precision", "string": "text"}.get(kind, kind)


def run_duckdb(sql: str, frame: pd.DataFrame) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        con.register("src", frame)
        return con.execute(sql).df().sort_values(ROW_ID).reset_index(drop=True)
    finally:
        con.close()


def run_postgres(server: PostgresServer, sql: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Load ``frame`` as table ``src`` (NaN and None become NULL) and run ``sql``."""
    conn = psycopg2.connect(server.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS src")
            cols = ", ".join(f'"{c}" {_pg_type(frame[c])}' for c in frame.columns)
            cur.execute(f"CREATE TEMP TABLE src ({cols})")
            buffer = io.StringIO()
            # repr() of a float round-trips exactly; \N marks NULL in COPY's text format
            for row in frame.itertuples(index=False):
                fields = []
                for v in row:
                    if v is None or (isinstance(v, float) and np.isnan(v)):
                        fields.append("\\N")
                    elif isinstance(v, (float, np.floating)):
                        fields.append(repr(float(v)))
                    else:
                        fields.append(str(v))
                buffer.write("\t".join(fields) + "\n")
            buffer.seek(0)
            cols_only = ", ".join(f'"{c}"' for c in frame.columns)
            cur.copy_expert(f"COPY src ({cols_only}) FROM STDIN WITH (FORMAT text)", buffer)
            cur.execute(sql)
            names = [d[0] for d in cur.description]
            out = pd.DataFrame(cur.fetchall(), columns=names)
        return out.sort_values(ROW_ID).reset_index(drop=True)
    finally:
        conn.rollback()
        conn.close()


def run_spark(spark: Any, sql: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Load ``frame`` as the temp view ``src`` (explicit schema, NaN and None as NULL)."""
    to_spark(spark, frame).createOrReplaceTempView("src")
    try:
        result = spark.sql(sql)
        # collect() hands back Python values as they are (no pandas conversion in between)
        out = pd.DataFrame([tuple(r) for r in result.collect()], columns=result.columns)
        return out.sort_values(ROW_ID).reset_index(drop=True)
    finally:
        spark.catalog.dropTempView("src")


def with_row_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{ROW_ID: np.arange(len(frame), dtype=np.int64)})


def _float(values: object) -> np.ndarray:
    return pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce").to_numpy(
        dtype=np.float64
    )


def assert_scores_match(
    estimator: object, X: pd.DataFrame, out: pd.DataFrame, complete: np.ndarray | None = None
) -> None:
    """Compare every output column with predict / predict_proba on the same rows.

    ``complete`` marks the rows scikit-learn can score; on the others (a missing value the
    estimator cannot take) every output column must be NULL.
    """
    rows = np.ones(len(X), dtype=bool) if complete is None else complete
    assert len(out) == len(X)
    if (~rows).any():
        for column in out.columns:
            if column != ROW_ID:
                assert out.loc[~rows, column].isna().all(), f"{column} not NULL for incomplete rows"
    Xs = X[rows]
    if hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(Xs)
        classes = list(estimator.classes_)
        if len(classes) == 2:
            got = _float(out.loc[rows, "score"])
            np.testing.assert_allclose(got, proba[:, 1], rtol=0, atol=ABS_TOL)
        else:
            for k, c in enumerate(classes):
                got = _float(out.loc[rows, f"proba_{c}"])
                np.testing.assert_allclose(got, proba[:, k], rtol=0, atol=ABS_TOL)
        expected = np.asarray(estimator.predict(Xs))
        got_labels = out.loc[rows, "label"].to_numpy()
        mismatched = [i for i, (a, b) in enumerate(zip(got_labels, expected)) if a != b]
        assert not mismatched, f"labels differ on {len(mismatched)} rows, e.g. {mismatched[:5]}"
    else:
        got = _float(out.loc[rows, "prediction"])
        np.testing.assert_allclose(got, estimator.predict(Xs), rtol=0, atol=ABS_TOL)


def check_on_engine(
    runner: Callable[[str, pd.DataFrame], pd.DataFrame],
    estimator: object,
    X: pd.DataFrame,
    *,
    dialect: str,
    complete: np.ndarray | None = None,
    features: list[str] | None = None,
) -> pd.DataFrame:
    sql = scorehouse.compile_sql(
        estimator, source="src", dialect=dialect, features=features, keep=[ROW_ID]
    )
    out = runner(sql, with_row_id(X))
    assert_scores_match(estimator, X, out, complete)
    return out
