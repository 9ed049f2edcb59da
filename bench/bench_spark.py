"""Spark benchmark: the compiler benchmark's GBM scored by Spark, DuckDB and scikit-learn.

    .venv/bin/python bench/bench_spark.py            # 1,000,000 rows (several minutes)
    .venv/bin/python bench/bench_spark.py --rows 100000

The model is bench_compiler.py's ``gbm`` case (GradientBoostingClassifier, 100 trees of
depth 3, 20 features, fitted on 50,000 rows) and the rows are the same ones that benchmark
scores. In one run, interleaved, best of three:

- scikit-learn's ``predict_proba`` on the rows already in memory as numpy;
- DuckDB (default threads): ``CREATE TEMP TABLE scored AS <sql>`` over an in-memory table;
- Spark local[2]: the compiled Spark SQL over the rows cached in Spark's memory, written to
  the ``noop`` sink (every output column computed, nothing stored), with whole-stage code
  generation on (Spark's default) and off.

Spark's start-up is timed apart: starting the session (JVM, local[2], Hive support, the
metastore in a scratch folder, as the test suite starts it), loading the rows into Spark
(from pandas through Arrow) and caching them, and the first, cold scoring run (planning,
code generation and compiling, JIT warm-up). "With start-up" adds those to a warm run.

Whether whole-stage code generation falls back to interpreted code for the query is read
from ``explain("codegen")`` (tests/support/spark.py). Scores are checked against
scikit-learn on the first 2,000 rows in every engine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO / "ml"))
sys.path.insert(0, str(REPO))

from tests.support.spark import JIT_METHOD_LIMIT, codegen, start_session  # noqa: E402

import scorehouse  # noqa: E402
from _timing import Timing  # noqa: E402
from bench_compiler import (  # noqa: E402
    CHECK_ROWS,
    FEATURES,
    LONG_RUN,
    REPEAT,
    THREADS,
    cases,
    make_rows,
)

WHOLE_STAGE = "spark.sql.codegen.wholeStage"
HUGE_METHOD = "spark.sql.codegen.hugeMethodLimit"
# Spark's variants: (label, whole-stage codegen, hugeMethodLimit or None for Spark's 65535).
# With the limit at HotSpot's JIT limit, a stage whose method the JIT would not compile
# runs without whole-stage codegen instead of in the JVM's bytecode interpreter.
SPARK_RUNS = {
    "spark": ("codegen on", True, None),
    "spark_jit_limit": (f"codegen on, hugeMethodLimit {JIT_METHOD_LIMIT}", True, JIT_METHOD_LIMIT),
    "spark_interp": ("codegen off", False, None),
}


def exactness(model: Any, X: np.ndarray, out: pd.DataFrame) -> str:
    """Largest score difference from scikit-learn on the first rows, and label agreement."""
    out = out.sort_values("rid")
    sample = X[: len(out)]
    diff = np.abs(out["score"].to_numpy(dtype=np.float64) - model.predict_proba(sample)[:, 1])
    labels = bool((out["label"].to_numpy() == model.predict(sample)).all())
    return f"max|diff| {diff.max():.1e}, labels {'equal' if labels else 'DIFFER'}"


def spark_sample(spark: Any, sql: str) -> pd.DataFrame:
    result = spark.sql(f"SELECT * FROM ({sql}) AS scored WHERE rid < {CHECK_ROWS}")
    return pd.DataFrame([tuple(r) for r in result.collect()], columns=result.columns)


def timed(work: Any) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    n = args.rows

    gbm = next(c for c in cases(quick=False) if c.name == "gbm")
    start = time.perf_counter()
    model = gbm.fit()
    print(f"[{gbm.describe}: fitted in {time.perf_counter() - start:.1f}s]", flush=True)
    X, _, _ = make_rows(n, 99)
    frame = pd.DataFrame(X, columns=FEATURES).assign(rid=np.arange(n))

    duck_sql = scorehouse.compile_sql(model, source="rows", features=FEATURES, keep=["rid"])
    spark_sql = scorehouse.compile_sql(
        model, source="rows", dialect="spark", features=FEATURES, keep=["rid"]
    )
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("CREATE TABLE rows AS SELECT * FROM frame")
    con.unregister("frame")
    duck_statement = f"CREATE OR REPLACE TEMP TABLE scored AS {duck_sql}"

    scratch = Path(tempfile.mkdtemp(prefix="scorehouse-spark-bench-"))
    startup: dict[str, float] = {}
    start = time.perf_counter()
    spark = start_session(scratch, "scorehouse-bench", {"spark.driver.memory": "3g"})
    startup["session"] = time.perf_counter() - start
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    start = time.perf_counter()
    rows = spark.createDataFrame(frame).cache()
    rows.count()
    rows.createOrReplaceTempView("rows")
    startup["load"] = time.perf_counter() - start
    del frame
    scored = spark.sql(spark_sql)

    default_limit = spark.conf.get(HUGE_METHOD)

    def configure(key: str) -> None:
        _, whole_stage, limit = SPARK_RUNS[key]
        spark.conf.set(WHOLE_STAGE, str(whole_stage).lower())
        spark.conf.set(HUGE_METHOD, str(limit or default_limit))

    def spark_run(key: str) -> None:
        configure(key)
        spark.sql(spark_sql).write.format("noop").mode("overwrite").save()

    startup["first run"] = timed(lambda: spark_run("spark"))

    load = os.getloadavg()
    print(
        f"scorehouse Spark benchmark: pyspark {spark.version} local[2], duckdb "
        f"{duckdb.__version__} ({THREADS} threads), {n:,} rows, {THREADS} cores, load average "
        f"{load[0]:.1f} at start; best of {REPEAT} (one run when over {LONG_RUN:g}s), "
        "runs interleaved",
        flush=True,
    )
    runs: dict[str, list[float]] = {"sk": [], "duck": [], **{key: [] for key in SPARK_RUNS}}
    for _ in range(REPEAT):
        runs["sk"].append(timed(lambda: model.predict_proba(X)))
        runs["duck"].append(timed(lambda: con.execute(duck_statement)))
        for key in SPARK_RUNS:
            runs[key].append(timed(lambda key=key: spark_run(key)))
        if max(max(v) for v in runs.values()) > LONG_RUN:
            break
    t = {key: Timing(min(values), values) for key, values in runs.items()}
    configure("spark")
    plan = codegen(scored)

    sk = t["sk"].best
    with_startup = sum(startup.values())  # session + load + cold run
    print(f"\n{gbm.describe}; SQL {len(spark_sql) / 1e6:.2f} MB (Spark), {n:,} rows scored")
    print(f"  {'scikit-learn predict_proba':<39} {t['sk'].show()}")
    print(f"  {'DuckDB':<39} {t['duck'].show()}  ratio {t['duck'].best / sk:.2f}")
    for key, (label, _, _) in SPARK_RUNS.items():
        print(
            f"  Spark, {label:<32} {t[key].show()}  ratio {t[key].best / sk:.2f}, "
            f"Spark/DuckDB {t[key].best / t['duck'].best:.2f}  (runs: {len(t[key].runs)})"
        )
    print(
        f"  Spark start-up: session {startup['session']:.1f}s, rows into Spark's cache "
        f"{startup['load']:.1f}s, first (cold) run {startup['first run']:.1f}s"
    )
    print(
        f"  Spark with start-up (session + load + cold run) {with_startup:.1f}s, ratio "
        f"{with_startup / sk:.2f}; session + warm run {startup['session'] + t['spark'].best:.1f}s, "
        f"ratio {(startup['session'] + t['spark'].best) / sk:.2f}"
    )
    jit = (
        f", over HotSpot's JIT limit ({JIT_METHOD_LIMIT:,} bytes): runs in the JVM's interpreter"
        if plan.over_jit_limit
        else ""
    )
    print(
        f"  codegen: {plan.subtrees} whole-stage subtrees, largest methods "
        f"{list(plan.method_sizes)} bytes (hugeMethodLimit {plan.huge_method_limit}): "
        f"{'FALLS BACK to interpreted' if plan.falls_back else 'compiled, no fallback'}"
        f"{jit}; codegen off / on {t['spark_interp'].best / t['spark'].best:.2f}"
    )

    con.execute(duck_statement)
    duck_out = con.execute(f"SELECT * FROM scored WHERE rid < {CHECK_ROWS}").df()
    checks = {"DuckDB": exactness(model, X, duck_out)}
    for key, (label, _, _) in SPARK_RUNS.items():
        configure(key)
        checks[f"Spark {label}"] = exactness(model, X, spark_sample(spark, spark_sql))
    for engine, verdict in checks.items():
        print(f"  exactness on {CHECK_ROWS:,} rows, {engine}: {verdict}")
    spark.stop()
    shutil.rmtree(scratch, ignore_errors=True)
    failed = any("DIFFER" in v or float(v.split()[1].rstrip(",")) > 1e-12 for v in checks.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
