"""Monitoring benchmark: the monitoring models in DuckDB against the same numbers in pandas.

    .venv/bin/python bench/bench_monitoring.py                 # 10,000,000 rows, 30 features
    .venv/bin/python bench/bench_monitoring.py --rows 1000000  # a quicker run

One synthetic model, ``bench``, scored on ``--rows`` entities at one cutoff, with 27 numeric
features (some with NULLs, some integer counts full of ties) and 3 categorical ones (one
with a category never seen in training), a score, a matured 0/1 label, and a rule score
with heavy ties as its baseline. Its reference distributions come from a training sample of
1,000,000 rows drawn a little differently, through scorehouse's own reference code.

DuckDB side: ``dbt run --select path:models/monitoring`` in a throw-away project holding the
real monitoring models and macros: score PSI and bins, PSI, NULL rate and unseen
categories of every feature, ROC AUC, PR AUC, Brier, log loss and lift for the model and the
baseline, and calibration per decile. The time is dbt's whole run (parsing, compiling,
every model) and, apart, the SQL the models ran (dbt's elapsed time in run_results.json).

pandas side: the same numbers with numpy, pandas and sklearn.metrics, on the same rows read
from the same DuckDB file; reading them into pandas is timed apart from computing.

Both sides run in this one process on the same machine; read the ratio rather than the
seconds. The numbers of the two sides are compared at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import yaml
from sklearn import metrics

from scorehouse.catalogue import REFERENCE_DISTRIBUTIONS, REGISTRY
from scorehouse.dbt import run_dbt
from scorehouse.engines import ENGINES
from scorehouse.metrics.reference import SCORE_COLUMN, reference_distributions
from scorehouse.project import find_project, resolve_target

REPO = Path(__file__).resolve().parents[1]
CUTOFF = dt.date(2025, 9, 1)
NUMERIC = [f"num_{i:02d}" for i in range(1, 28)]
CATEGORICAL = ["cat_channel", "cat_region", "cat_device"]
CATEGORIES = {
    "cat_channel": ["organic", "paid_search", "social", "referral", "email", "affiliate"],
    "cat_region": ["north", "south", "east", "west", "capital"],
    "cat_device": ["web", "app", "tablet"],
}
UNSEEN = {"cat_channel": "tiktok"}  # appears when scoring, never in training
TRAINING_ROWS = 1_000_000
EPSILON = 1e-4
# Bin's fields, in order, under their ml_reference_distributions names
REFERENCE_COLUMNS = REFERENCE_DISTRIBUTIONS.names[2:]
CHUNK = 1_000_000


# ---------------------------------------------------------------------------------------
# Synthetic data


def draw(rng: np.random.Generator, n: int, scoring: bool) -> dict[str, Any]:
    """Features, score, label and rule score of ``n`` rows; scoring rows drift a little."""
    cols: dict[str, Any] = {}
    for i, name in enumerate(NUMERIC):
        shift = 0.3 if scoring and i % 9 == 0 else 0.0  # three features drift
        kind = i % 3
        if kind == 0:
            x = rng.normal(shift, 1.0, n)
        elif kind == 1:
            x = rng.exponential(1.0 + shift, n)
        else:
            x = rng.poisson(2.0 + 3 * shift, n).astype(np.float64)  # counts: many ties
        if i % 4 == 0:
            x[rng.random(n) < 0.05] = np.nan
        cols[name] = x
    for name, values in CATEGORIES.items():
        codes = rng.integers(0, len(values), n)
        if scoring and name in UNSEEN:
            codes[rng.random(n) < 0.02] = len(values)
        codes[rng.random(n) < 0.03] = -1  # NULL
        categories = [*values, UNSEEN.get(name, "unused")]
        cols[name] = pd.Categorical.from_codes(codes, categories=categories)
    signal = (
        np.nan_to_num(cols["num_01"]) + 0.5 * np.nan_to_num(cols["num_02"]) - 0.3 * cols["num_03"]
    )
    cols["score"] = 1.0 / (1.0 + np.exp(-(signal - 1.0)))
    cols["y"] = (
        rng.random(n) < 1.0 / (1.0 + np.exp(-(signal - 1.0 + rng.normal(0, 1, n))))
    ).astype(np.int32)
    cols["rule_score"] = np.round(np.clip(0.5 + 0.1 * np.nan_to_num(cols["num_01"]), 0, 1), 1)
    return cols


def load_warehouse(con: duckdb.DuckDBPyConnection, rows: int, seed: int) -> pd.DataFrame:
    """Write the scored rows into DuckDB chunk by chunk; returns the reference bins."""
    rng = np.random.default_rng(seed)
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        cols = draw(rng, n, scoring=True)
        frame = pd.DataFrame({"entity_id": np.arange(start + 1, start + n + 1), **cols})
        frame["cutoff_date"] = CUTOFF
        con.register("chunk", frame)
        if start == 0:
            con.execute("create table raw_rows as select * from chunk")
        else:
            con.execute("insert into raw_rows select * from chunk")
        con.unregister("chunk")
    # categories as text, the way a warehouse holds them
    features = ", ".join([*NUMERIC, *(f"cast({c} as varchar) as {c}" for c in CATEGORICAL)])
    con.execute(
        f"create table bench_features as select entity_id, cutoff_date, {features} from raw_rows"
    )
    con.execute(
        "create table bench_training as select entity_id, cutoff_date, y, rule_score, "
        f"{features} from raw_rows"
    )
    con.execute(
        """
        create table bench_score_history as
        select
            entity_id, cutoff_date, 'bench' as model_name, 1 as model_version,
            'model' as scored_by, score,
            ntile(10) over (order by score desc, entity_id) as decile,
            cast(score >= 0.5 as integer) as label,
            now() as scored_at
        from raw_rows
        """
    )
    con.execute("drop table raw_rows")

    training_rows = min(TRAINING_ROWS, rows)  # a smoke run needs no million
    training = pd.DataFrame(draw(np.random.default_rng(seed + 1), training_rows, scoring=False))
    bins = reference_distributions(
        training, tuple(NUMERIC), tuple(CATEGORICAL), training["score"].to_numpy()
    )
    # the columns of ml_reference_distributions, as the registry writes them
    reference = pd.DataFrame([dataclasses.astuple(b) for b in bins], columns=REFERENCE_COLUMNS)
    reference.insert(0, "version", 1)
    reference.insert(0, "model_name", "bench")
    write_registry(con, reference)
    return reference


def write_registry(con: duckdb.DuckDBPyConnection, reference: pd.DataFrame) -> None:
    engine = ENGINES["duckdb"]
    for table in REGISTRY:
        definition = ", ".join(f'"{c}" {engine.type_name(t)}' for c, t in table.columns)
        con.execute(f"create table {table.name} ({definition})")
    con.register("reference", reference)
    con.execute("insert into ml_reference_distributions select * from reference")
    con.execute(
        "insert into ml_model_versions (model_name, version, status, task, trained_at, classes) "
        "values ('bench', 1, 'champion', 'binary', now() at time zone 'UTC', '[0, 1]')"
    )
    con.execute(
        "insert into ml_passports (model_name, task, champion_version, serving, trained_at, "
        "refresh_cadence_days, max_staleness_days) "
        "values ('bench', 'binary', 1, 'model', now() at time zone 'UTC', 30, 35)"
    )


# ---------------------------------------------------------------------------------------
# The dbt project: the real monitoring models, a declared model `bench`


def write_project(root: Path, warehouse: Path) -> None:
    (root / "dbt_project.yml").write_text(
        "name: scorehouse\nprofile: scorehouse\nconfig-version: 2\n"
        'model-paths: ["models"]\nmacro-paths: ["macros"]\n'
    )
    # dbt runs one model at a time; each query uses all of DuckDB's threads (one per core)
    profile = {"type": "duckdb", "path": str(warehouse), "schema": "main", "threads": 1}
    profiles = {"scorehouse": {"target": "bench", "outputs": {"bench": profile}}}
    (root / "profiles.yml").write_text(yaml.safe_dump(profiles))
    shutil.copytree(REPO / "macros", root / "macros")
    shutil.copytree(REPO / "models" / "monitoring", root / "models" / "monitoring")
    bench = root / "models" / "bench"
    bench.mkdir()
    # The relations exist already (written above); dbt only needs the nodes in its graph.
    for name in ("bench_features", "bench_training", "bench_scores"):
        (bench / f"{name}.sql").write_text("select 1 as entity_id\n")
    (bench / "bench_score_history.sql").write_text("select * from {{ ref('bench_scores') }}\n")
    spec = {
        "task": "binary",
        "data": {
            "entity_key": "entity_id",
            "relation": "bench_training",
            "score_relation": "bench_features",
            "label": "y",
            "cutoff": "cutoff_date",
            "features": {"numeric": NUMERIC, "categorical": CATEGORICAL},
        },
        "baseline": {"name": "rule", "sql": "rule_score"},
    }
    model = {"name": "bench_scores", "config": {"meta": {"scorehouse": spec}}}
    (bench / "bench.yml").write_text(yaml.safe_dump({"version": 2, "models": [model]}))


def run_monitoring_models(root: Path) -> tuple[float, float, dict[str, float]]:
    """Wall time of `dbt run` of the monitoring models, dbt's own elapsed time, and each
    model's execution time."""
    target = resolve_target(find_project(root), None, root)
    run_dbt(target, "parse", quiet=True)  # parsing once, as in a project dbt has seen before
    started = time.perf_counter()
    run_dbt(target, "run", "--select", "path:models/monitoring", quiet=True)
    wall = time.perf_counter() - started
    results = json.loads((root / "target" / "run_results.json").read_text())
    per_model = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results["results"]}
    return wall, float(results["elapsed_time"]), per_model


# ---------------------------------------------------------------------------------------
# The same numbers in pandas


def psi(actual: np.ndarray, expected: np.ndarray) -> float:
    a, e = np.maximum(actual, EPSILON), np.maximum(expected, EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def numeric_psi(x: np.ndarray, bins: pd.DataFrame) -> tuple[float, float]:
    present = bins[~bins["is_null"]].sort_values("bin")
    uppers = present["upper_bound"].dropna().to_numpy()
    index = np.where(np.isnan(x), 0, 1 + np.searchsorted(uppers, x, side="left"))
    actual = np.bincount(index, minlength=len(uppers) + 2) / len(x)
    expected = bins.set_index("bin")["share"].reindex(range(len(uppers) + 2)).to_numpy()
    return psi(actual, expected), float(actual[0])


def categorical_psi(values: pd.Series, bins: pd.DataFrame) -> tuple[float, float, list[str]]:
    counts = values.value_counts(dropna=False) / len(values)
    known = bins.dropna(subset=["category"]).set_index("category")["share"]
    null_share = float(counts[counts.index.isna()].sum())
    present = counts[counts.index.notna()]
    unseen = present[~present.index.isin(known.index)]
    actual = np.concatenate(
        [[null_share], present.reindex(known.index, fill_value=0.0), [unseen.sum()]]
    )
    expected = np.concatenate(
        [[bins.loc[bins["is_null"], "share"].iloc[0]], known.to_numpy(), [0.0]]
    )
    return psi(actual, expected), null_share, sorted(map(str, unseen.index))


def lift(y: np.ndarray, score: np.ndarray, share: float = 0.1) -> float:
    n = max(1, int(round(share * len(score))))
    cut = np.partition(score, len(score) - n)[len(score) - n]
    above, tied = score > cut, score == cut
    hits = y[above].sum() + (n - above.sum()) * y[tied].mean()
    return float(hits / n / y.mean())


def quality(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": metrics.roc_auc_score(y, score),
        "pr_auc": metrics.average_precision_score(y, score),
        "brier": metrics.brier_score_loss(y, score),
        "log_loss": metrics.log_loss(y, score, labels=[0, 1]),
        "lift_top_decile": lift(y, score),
    }


def read_for_pandas(warehouse: Path) -> dict[str, pd.DataFrame]:
    """The columns the computation needs, as a Python job would read them."""
    queries = {
        "scores": "select entity_id, cutoff_date, score, decile from bench_score_history",
        "features": f"select {', '.join(NUMERIC + CATEGORICAL)} from bench_features",
        "labels": "select entity_id, cutoff_date, y, rule_score from bench_training",
        "reference": "select * from ml_reference_distributions",
    }
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {name: con.sql(sql).df() for name, sql in queries.items()}
    finally:
        con.close()


def pandas_monitoring(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    reference, scores, features = tables["reference"], tables["scores"], tables["features"]
    out: dict[str, Any] = {}
    score_bins = reference[reference["column_name"] == SCORE_COLUMN]
    out["score_psi"] = numeric_psi(scores["score"].to_numpy(dtype=np.float64), score_bins)[0]
    out["features"] = {}
    for name in NUMERIC:
        bins = reference[reference["column_name"] == name]
        out["features"][name] = numeric_psi(features[name].to_numpy(dtype=np.float64), bins)[:2]
    for name in CATEGORICAL:
        bins = reference[reference["column_name"] == name]
        out["features"][name] = categorical_psi(features[name], bins)
    rows = scores.merge(tables["labels"], on=["entity_id", "cutoff_date"])
    y = rows["y"].to_numpy()
    out["model"] = quality(y, rows["score"].to_numpy())
    out["baseline"] = quality(y, rows["rule_score"].to_numpy(dtype=np.float64))
    out["calibration"] = rows.groupby("decile").agg(
        mean_predicted=("score", "mean"), observed_rate=("y", "mean")
    )
    return out


# ---------------------------------------------------------------------------------------


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def largest_difference(warehouse: Path, mine: dict[str, Any]) -> dict[str, float]:
    """The largest absolute difference between the two sides, per kind of number."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        drift = con.execute("select psi from ml_score_drift").fetchall()[0][0]
        features = con.sql(
            "select feature, psi, null_rate, new_category_examples from ml_feature_drift"
        ).df()
        quality_rows = con.sql("select * from ml_quality").df().set_index("subject")
        calibration = (
            con.sql("select * from ml_calibration order by decile").df().set_index("decile")
        )
    finally:
        con.close()
    features = features.set_index("feature")
    out = {"score psi": abs(drift - mine["score_psi"])}
    out["feature psi"] = max(
        abs(features.loc[f, "psi"] - v[0]) for f, v in mine["features"].items()
    )
    out["null rate"] = max(
        abs(features.loc[f, "null_rate"] - v[1]) for f, v in mine["features"].items()
    )
    out["quality"] = max(
        abs(quality_rows.loc[subject, name] - value)
        for subject in ("model", "baseline")
        for name, value in mine[subject].items()
    )
    expected = mine["calibration"].sort_index()
    out["calibration"] = float(
        np.max(
            np.abs(
                calibration[["mean_predicted", "observed_rate"]].to_numpy() - expected.to_numpy()
            )
        )
    )
    examples = features.loc[list(UNSEEN), "new_category_examples"].tolist()
    assert examples == [UNSEEN[c] for c in UNSEEN], examples
    return out


@dataclasses.dataclass
class Run:
    """One run of both sides: seconds, and the largest difference per kind of number."""

    rows: int
    written: float
    dbt_wall: float
    dbt_elapsed: float
    per_model: dict[str, float]
    read: float
    pandas: float
    differences: dict[str, float]


def run(rows: int, seed: int = 0) -> Run:
    with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as folder:
        root = Path(folder)
        warehouse = root / "warehouse.duckdb"
        con = duckdb.connect(str(warehouse))
        _, written = timed(lambda: load_warehouse(con, rows, seed))
        con.close()
        write_project(root, warehouse)
        wall, elapsed, per_model = run_monitoring_models(root)
        tables, read_seconds = timed(partial(read_for_pandas, warehouse))
        mine, pandas_seconds = timed(partial(pandas_monitoring, tables))
        tables.clear()
        differences = largest_difference(warehouse, mine)
    return Run(rows, written, wall, elapsed, per_model, read_seconds, pandas_seconds, differences)


def report(r: Run) -> None:
    print(
        f"{r.rows:,} scored rows, {len(NUMERIC) + len(CATEGORICAL)} features "
        f"({len(NUMERIC)} numeric, {len(CATEGORICAL)} categorical); "
        f"data written in {r.written:.1f} s"
    )
    print("\nDuckDB (dbt run --select path:models/monitoring, one model at a time):")
    for name, secs in sorted(r.per_model.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<18} {secs:7.2f} s")
    print(f"  dbt's elapsed time     {r.dbt_elapsed:7.2f} s   (the models' SQL)")
    print(f"  whole dbt command      {r.dbt_wall:7.2f} s   (with starting dbt and compiling)")
    print("\npandas / numpy / sklearn.metrics (one process):")
    print(f"  read from DuckDB       {r.read:7.2f} s")
    print(f"  compute                {r.pandas:7.2f} s")
    print("\nratios (pandas / DuckDB; above 1 means DuckDB is faster):")
    print(f"  compute only / dbt's elapsed      {r.pandas / r.dbt_elapsed:5.2f}x")
    print(f"  read + compute / dbt's elapsed    {(r.read + r.pandas) / r.dbt_elapsed:5.2f}x")
    print("\nlargest difference between the two sides:")
    for name, diff in r.differences.items():
        print(f"  {name:<12} {diff:.2e}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=1, help="repeat; best and median shown")
    args = parser.parse_args()
    runs = [run(args.rows, args.seed) for _ in range(args.runs)]
    for r in runs:
        report(r)
    if len(runs) > 1:
        ratios = sorted(r.pandas / r.dbt_elapsed for r in runs)
        print(
            f"\ncompute / dbt's elapsed over {len(runs)} runs: "
            f"best {ratios[-1]:.2f}x, median {ratios[len(ratios) // 2]:.2f}x"
        )


if __name__ == "__main__":
    main()
