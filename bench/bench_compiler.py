"""Compiler benchmark: issue 3's speed and scale figures, measured in one run.

    .venv/bin/python bench/bench_compiler.py            # the full run (about 15 minutes)
    .venv/bin/python bench/bench_compiler.py --quick    # a smoke run on fewer rows
    .venv/bin/python bench/bench_compiler.py --compare  # also each tree model in the other encoding
    .venv/bin/python bench/bench_compiler.py --only gbm,rf_deep

For each model: compile time, SQL size, bytes per tree node, the encoding chosen, the time
DuckDB takes to score the rows (``CREATE TEMP TABLE ... AS <sql>``, so every output column is
computed and stored; planning included) with its default threads and with one thread,
scikit-learn's time on the same rows already in memory as numpy (``predict_proba`` or
``predict``), and the ratios DuckDB / scikit-learn. The two sides run interleaved, best of
three, on a machine other work shares: read the ratios, not the seconds.

A model with a limit (issue 3) shows PASS or FAILED against it. Compiling runs in a child
process and scoring under ``con.interrupt()``, each with a time limit: a model that runs
out of time shows as FAILED, never as skipped. The scores are also checked against
scikit-learn on a sample of rows (largest absolute difference, labels equal).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sklearn.ensemble import (
    GradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ml"))

import scorehouse  # noqa: E402
from _timing import TimedOut, Timing, duckdb_query, in_subprocess  # noqa: E402
from scorehouse.compiler.trees import encoding  # noqa: E402

N_FEATURES = 20
FEATURES = [f"x{i}" for i in range(N_FEATURES)]
THREADS = os.cpu_count() or 1
REPEAT = 3
LONG_RUN = 20.0  # seconds: a run this long is measured once, not three times
CHECK_ROWS = 2_000
NO_LIMIT = 300.0  # seconds: the limit of a run when the issue sets none


def make_rows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, a binary target and a continuous one: a few informative inputs with
    interactions, the rest noise, so that trees split on all of them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    X[:, 5] = np.round(X[:, 5] * 2)  # a coarse input, like a count
    X[:, 6] = np.exp(X[:, 6])  # a skewed one, like spend
    signal = (
        X[:, 0] + X[:, 1] * X[:, 2] - 0.5 * X[:, 3] ** 2 + 0.3 * X[:, 5] + 0.2 * np.log(X[:, 6])
    )
    binary = (signal + rng.normal(scale=0.25, size=n) > 0).astype(int)
    continuous = signal + rng.normal(scale=0.5, size=n)
    return X, binary, continuous


@dataclass
class Case:
    name: str
    describe: str
    fit: Callable[[], Any]
    rows: int  # rows scored
    compile_limit: float = 600.0
    score_limit: float | None = None  # seconds, DuckDB with its default threads
    ratio_limit: float | None = None  # DuckDB (default threads) / scikit-learn
    repeat: int = REPEAT
    results: dict[str, Any] = field(default_factory=dict)


def cases(quick: bool) -> list[Case]:
    big = 100_000 if quick else 1_000_000
    deep_train = 10_000 if quick else 50_000

    def gbm() -> Any:
        X, y, _ = make_rows(50_000, 1)
        return GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0).fit(X, y)

    def rf_deep() -> Any:
        X, y, _ = make_rows(deep_train, 2)
        model = RandomForestClassifier(
            n_estimators=100, min_samples_leaf=1, random_state=0, n_jobs=-1
        )
        return model.fit(X, y).set_params(n_jobs=None)

    def gbm_1500() -> Any:
        X, y, _ = make_rows(2_000, 3)
        return GradientBoostingClassifier(
            n_estimators=1500, max_depth=3, learning_rate=0.05, random_state=0
        ).fit(X, y)

    def rfr_8() -> Any:
        X, _, y = make_rows(20_000, 4)
        model = RandomForestRegressor(n_estimators=50, max_depth=8, random_state=0, n_jobs=-1)
        return model.fit(X, y).set_params(n_jobs=None)

    def rf_8() -> Any:
        X, y, _ = make_rows(50_000, 5)
        model = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0, n_jobs=-1)
        return model.fit(X, y).set_params(n_jobs=None)

    def logistic() -> Any:
        X, y, _ = make_rows(50_000, 6)
        return LogisticRegression(max_iter=1000).fit(X, y)

    return [
        Case("gbm", "GradientBoostingClassifier 100 trees, depth 3", gbm, big, ratio_limit=0.8),
        Case(
            "rf_deep",
            f"RandomForestClassifier 100 trees, full depth, trained on {deep_train:,} rows",
            rf_deep,
            100_000,
            compile_limit=30.0,
            score_limit=60.0,
        ),
        Case("gbm_1500", "GradientBoostingClassifier 1,500 trees, depth 3", gbm_1500, 10_000),
        Case("rfr_8", "RandomForestRegressor 50 trees, depth 8", rfr_8, 3_000, score_limit=2.0),
        Case("rf_8", "RandomForestClassifier 100 trees, depth 8", rf_8, big),
        Case("logistic", "LogisticRegression", logistic, big),
    ]


def tree_nodes(model: Any) -> int:
    estimators = np.asarray(getattr(model, "estimators_", []), dtype=object).ravel()
    return int(sum(e.tree_.node_count for e in estimators if hasattr(e, "tree_")))


def encoding_of(sql: str) -> str:
    return "walk" if "walk_arrays" in sql else "case"


def compile_model(model: Any, table: str, forced: str | None) -> str:
    with encoding.forced(forced):  # type: ignore[arg-type]
        return scorehouse.compile_sql(model, source=table, features=FEATURES, keep=["rid"])


def score_sklearn(model: Any, X: np.ndarray) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.predict(X)


def check(model: Any, X: np.ndarray, con: Any) -> str:
    """Largest difference from scikit-learn on the first rows, and whether labels agree."""
    out = con.execute(f"SELECT * FROM scored WHERE rid < {CHECK_ROWS} ORDER BY rid").df()
    sample = X[:CHECK_ROWS]
    if hasattr(model, "predict_proba"):
        diff = np.abs(out["score"].to_numpy() - model.predict_proba(sample)[:, 1]).max()
        labels = bool((out["label"].to_numpy() == model.predict(sample)).all())
        return f"max|diff| {diff:.1e}, labels {'equal' if labels else 'DIFFER'}"
    diff = np.abs(out["prediction"].to_numpy() - model.predict(sample)).max()
    return f"max|diff| {diff:.1e}"


def measure(case: Case, model: Any, X: np.ndarray, con: Any, forced: str | None) -> dict[str, Any]:
    r: dict[str, Any] = {"forced": forced}
    rows = X[: case.rows]
    table = "rows" if case.rows == len(X) else f"rows_{case.rows}"
    try:
        sql, r["compile"] = in_subprocess(
            lambda: compile_model(model, table, forced), case.compile_limit
        )
    except TimedOut as error:
        r["compile"], r["error"] = None, f"compile {error}"
        return r
    r["bytes"] = len(sql)
    r["encoding"] = encoding_of(sql) if tree_nodes(model) else "-"
    statement = f"CREATE OR REPLACE TEMP TABLE scored AS {sql}"
    timings: dict[str, list[float]] = {"duck": [], "duck1": [], "sk": []}
    failed: dict[str, str] = {}
    # past its limit a run is stopped and shows FAILED; without a limit, 300 s is a failure too
    limits = {
        "duck": case.score_limit or NO_LIMIT,
        "duck1": 3 * case.score_limit if case.score_limit else NO_LIMIT,
    }
    for attempt in range(case.repeat):
        start = time.perf_counter()
        score_sklearn(model, rows)
        timings["sk"].append(time.perf_counter() - start)
        for key, threads in (("duck", THREADS), ("duck1", 1)):
            if key in failed:
                continue
            con.execute(f"SET threads = {threads}")
            try:
                timings[key].append(duckdb_query(con, statement, limits[key]))
            except TimedOut as error:
                failed[key] = str(error)
        if attempt == 0 and max(timings["duck"] + timings["duck1"] + [0.0]) > LONG_RUN:
            break
    con.execute(f"SET threads = {THREADS}")
    for key, runs in timings.items():
        r[key] = Timing(min(runs) if runs and key not in failed else None, runs, failed.get(key))
    if "duck" not in failed:
        duckdb_query(con, statement, None)
        r["check"] = check(model, rows, con)
    return r


def verdicts(case: Case, r: dict[str, Any]) -> list[str]:
    out = []
    if "error" in r:
        return [f"FAILED: {r['error']}"]
    if case.compile_limit < 600:
        out.append(
            f"compile < {case.compile_limit:g}s: "
            + ("PASS" if r["compile"] < case.compile_limit else "FAILED")
        )
    duck, sk = r["duck"], r["sk"]
    if case.score_limit is not None:
        ok = duck.ok and duck.best < case.score_limit
        out.append(f"score < {case.score_limit:g}s: {'PASS' if ok else 'FAILED'}")
    if case.ratio_limit is not None:
        ok = duck.ok and duck.best / sk.best <= case.ratio_limit
        out.append(f"ratio <= {case.ratio_limit:g}: {'PASS' if ok else 'FAILED'}")
    if not duck.ok or not r["duck1"].ok:
        out.append("FAILED: scoring did not finish")
    return out


def report(case: Case, model: Any, r: dict[str, Any]) -> None:
    nodes = tree_nodes(model)
    tag = f"{case.name}" + (f" [forced {r['forced']}]" if r["forced"] else "")
    print(f"\n{tag}: {case.describe}; {case.rows:,} rows scored")
    if "error" in r:
        print(f"  FAILED: {r['error']}")
        return
    per_node = f", {r['bytes'] / nodes:.1f} bytes/node ({nodes:,} nodes)" if nodes else ""
    print(
        f"  compile {r['compile']:.2f}s, SQL {r['bytes'] / 1e6:.2f} MB{per_node}, "
        f"encoding {r['encoding']}"
    )
    duck, duck1, sk = r["duck"], r["duck1"], r["sk"]

    def ratio(t: Timing) -> str:
        return f"{t.best / sk.best:.2f}" if t.ok else "FAILED"

    print(
        f"  DuckDB {THREADS} threads {duck.show()}, 1 thread {duck1.show()}, "
        f"scikit-learn {sk.show()}  (runs: {len(sk.runs)})"
    )
    print(
        f"  ratio DuckDB/scikit-learn: {ratio(duck)} ({THREADS} threads), {ratio(duck1)} (1 thread)"
    )
    if "check" in r:
        print(f"  exactness on {CHECK_ROWS:,} rows: {r['check']}")
    for verdict in verdicts(case, r):
        print(f"  {verdict}")


def rows_table(X: np.ndarray) -> Any:
    """An in-memory DuckDB holding ``X`` as table ``rows`` (features and a row id)."""
    con = duckdb.connect()
    frame = pd.DataFrame(X, columns=FEATURES).assign(rid=np.arange(len(X)))
    con.register("frame", frame)
    con.execute("CREATE TABLE rows AS SELECT * FROM frame")
    con.unregister("frame")
    return con


def run(rows: int) -> dict[str, Any]:
    """The boosted model (case ``gbm``) scored on ``rows`` rows, as bench/results.py takes
    it: DuckDB with all threads and with one, scikit-learn, and the check."""
    (case,) = [c for c in cases(quick=False) if c.name == "gbm"]
    case.rows = rows
    X, _, _ = make_rows(rows, 99)
    con = rows_table(X)
    try:
        return measure(case, case.fit(), X, con, None)
    finally:
        con.close()


def largest_difference(check: str) -> float:
    """The ``max|diff|`` of a check line; infinite when the labels differ."""
    diff = float(check.split("max|diff| ")[1].split(",")[0])
    return float("inf") if "DIFFER" in check else diff


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows: a smoke run")
    parser.add_argument("--compare", action="store_true", help="also force the other tree encoding")
    parser.add_argument("--only", help="comma-separated case names")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)

    all_cases = cases(args.quick)
    if args.only:
        wanted = set(args.only.split(","))
        all_cases = [c for c in all_cases if c.name in wanted]
    n = max(c.rows for c in all_cases)
    X, _, _ = make_rows(n, 99)
    con = rows_table(X)
    for size in sorted({c.rows for c in all_cases} - {n}):
        con.execute(f"CREATE TABLE rows_{size} AS SELECT * FROM rows WHERE rid < {size}")

    load = os.getloadavg()
    print(
        f"scorehouse compiler benchmark{' (quick)' if args.quick else ''}: "
        f"duckdb {duckdb.__version__}, "
        f"{THREADS} cores, load average {load[0]:.1f} at start; best of {REPEAT} "
        f"(one run when over {LONG_RUN:g}s)"
    )
    failures = 0
    for case in all_cases:
        start = time.perf_counter()
        model = case.fit()
        print(f"\n[{case.name}: fitted in {time.perf_counter() - start:.1f}s]", flush=True)
        results = [measure(case, model, X, con, None)]
        if args.compare and tree_nodes(model) and "encoding" in results[0]:
            other = "case" if results[0]["encoding"] == "walk" else "walk"
            results.append(measure(case, model, X, con, other))
        for r in results:
            report(case, model, r)
            if r["forced"] is None:
                failures += sum("FAILED" in v for v in verdicts(case, r))
        sys.stdout.flush()
    print(f"\n{'all limits met' if not failures else f'{failures} FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
