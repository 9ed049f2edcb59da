"""Run compiled SQL on a real engine and compare it with the estimator itself.

NULL and NaN: a NaN in a test frame is loaded as NULL (what a missing value is in a
warehouse). A real IEEE NaN in the warehouse is written :data:`REAL_NAN`: to scikit-learn
it is NaN like any other, and the loaders below store it as a NaN in the engine (DuckDB
and the Spark loader would turn it into NULL, so there it goes through a view). ±inf is
loaded as it is.
"""

from __future__ import annotations

import io
import warnings
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


# A NaN with a payload of its own: NaN to numpy and scikit-learn, told apart by the loaders.
REAL_NAN = float(np.array([0x7FF8_0000_0000_0BAD], dtype=np.uint64).view(np.float64)[0])
_REAL_NAN_BITS = 0x7FF8_0000_0000_0BAD
NAN_MARK = "__nan__"


def is_real_nan(value: object) -> bool:
    if not isinstance(value, (float, np.floating)):
        return False
    return int(np.array(value, dtype=np.float64).view(np.uint64)) == _REAL_NAN_BITS


def _real_nan_mask(series: pd.Series) -> np.ndarray:
    if not pd.api.types.is_float_dtype(series):
        return np.zeros(len(series), dtype=bool)
    return series.to_numpy(dtype=np.float64).view(np.uint64) == _REAL_NAN_BITS


def _marked(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with a boolean column ``__nan__<c>`` beside each column ``c`` holding a
    REAL_NAN (the cell itself then loads as NULL), and those columns' names."""
    marks = {c: _real_nan_mask(frame[c]) for c in frame.columns}
    marked = [c for c, m in marks.items() if m.any()]
    if not marked:
        return frame, []
    out = frame.copy()
    for c in marked:
        out[c] = out[c].mask(marks[c])
        out[NAN_MARK + c] = marks[c]
    return out, marked


def _nan_view(columns: list[str], marked: list[str], nan: str, quote: str) -> str:
    """SELECT over ``src_raw`` that puts a NaN (``nan``, the engine's literal) back where
    a marker column says so."""
    items = []
    for c in columns:
        name = f"{quote}{c}{quote}"
        if c in marked:
            mark = f"{quote}{NAN_MARK}{c}{quote}"
            items.append(f"CASE WHEN {mark} THEN {nan} ELSE {name} END AS {name}")
        else:
            items.append(name)
    return f"SELECT {', '.join(items)} FROM src_raw"


def _pg_type(series: pd.Series) -> str:
    kind = column_type(series)
    return {"double": "double precision", "string": "text"}.get(kind, kind)


def run_duckdb(sql: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Register ``frame`` as ``src``; NaN becomes NULL, REAL_NAN a NaN."""
    con = duckdb.connect()
    try:
        loaded, marked = _marked(frame)
        if marked:
            con.register("src_raw", loaded)
            view = _nan_view(list(frame.columns), marked, "CAST('NaN' AS DOUBLE)", '"')
            con.execute(f"CREATE VIEW src AS {view}")
        else:
            con.register("src", frame)
        return con.execute(sql).df().sort_values(ROW_ID).reset_index(drop=True)
    finally:
        con.close()


def run_postgres(server: PostgresServer, sql: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Load ``frame`` as table ``src`` (NaN and None become NULL, REAL_NAN a NaN) and run
    ``sql``."""
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
                    if is_real_nan(v):
                        fields.append("NaN")
                    elif v is None or (isinstance(v, float) and np.isnan(v)):
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
    """Load ``frame`` as the temp view ``src`` (explicit schema, NaN and None as NULL,
    REAL_NAN as a NaN)."""
    loaded, marked = _marked(frame)
    if marked:
        to_spark(spark, loaded).createOrReplaceTempView("src_raw")
        view = _nan_view(list(frame.columns), marked, "CAST('NaN' AS DOUBLE)", "`")
        spark.sql(f"CREATE OR REPLACE TEMP VIEW src AS {view}")
    else:
        to_spark(spark, frame).createOrReplaceTempView("src")
    try:
        result = spark.sql(sql)
        # collect() hands back Python values as they are (no pandas conversion in between)
        out = pd.DataFrame([tuple(r) for r in result.collect()], columns=result.columns)
        return out.sort_values(ROW_ID).reset_index(drop=True)
    finally:
        spark.catalog.dropTempView("src")
        if marked:
            spark.catalog.dropTempView("src_raw")


def with_row_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{ROW_ID: np.arange(len(frame), dtype=np.int64)})


def _float(values: object) -> np.ndarray:
    return pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce").to_numpy(
        dtype=np.float64
    )


def scorable(model: object, X: pd.DataFrame) -> np.ndarray:
    """The rows scikit-learn itself scores, found by bisecting on its ValueError."""
    ok = np.ones(len(X), dtype=bool)

    def check(rows: np.ndarray) -> None:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                model.predict(X.iloc[rows])  # type: ignore[attr-defined]
        except ValueError:
            if len(rows) == 1:
                ok[rows[0]] = False
                return
            check(rows[: len(rows) // 2])
            check(rows[len(rows) // 2 :])

    check(np.arange(len(X)))
    return ok


def assert_scores_match(
    estimator: object, X: pd.DataFrame, out: pd.DataFrame, complete: np.ndarray | None = None
) -> None:
    """Compare every output column with predict / predict_proba on the same rows.

    ``complete`` marks the rows scikit-learn can score; on the others (a missing or infinite
    value the estimator cannot take, see :func:`scorable`) every output column must be NULL.
    """
    rows = np.ones(len(X), dtype=bool) if complete is None else complete
    assert len(out) == len(X)
    if (~rows).any():
        for column in out.columns:
            if column != ROW_ID:
                assert out.loc[~rows, column].isna().all(), f"{column} not NULL for incomplete rows"
    Xs = X[rows]
    # numpy warns where scikit-learn computes what it should: check_array's quick sum
    # overflowing near float32's limit (it then checks values one by one and accepts them),
    # log1p(-1) = -inf
    quiet = np.errstate(all="ignore")
    if hasattr(estimator, "predict_proba"):
        with quiet:
            proba = estimator.predict_proba(Xs)
            expected = np.asarray(estimator.predict(Xs))
        classes = list(estimator.classes_)
        if len(classes) == 2:
            got = _float(out.loc[rows, "score"])
            np.testing.assert_allclose(got, proba[:, 1], rtol=0, atol=ABS_TOL)
        else:
            for k, c in enumerate(classes):
                got = _float(out.loc[rows, f"proba_{c}"])
                np.testing.assert_allclose(got, proba[:, k], rtol=0, atol=ABS_TOL)
        got_labels = out.loc[rows, "label"].to_numpy()
        mismatched = [
            i for i, (a, b) in enumerate(zip(got_labels, expected, strict=True)) if a != b
        ]
        assert not mismatched, f"labels differ on {len(mismatched)} rows, e.g. {mismatched[:5]}"
    else:
        got = _float(out.loc[rows, "prediction"])
        with quiet:
            expected = estimator.predict(Xs)
        np.testing.assert_allclose(got, expected, rtol=0, atol=ABS_TOL)


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
