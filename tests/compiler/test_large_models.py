"""Models far larger than the exactness suite's: they compile, run, and still score exactly.

The benchmark (bench/bench_compiler.py) measures the full-size versions; these are small
enough for CI.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

import scorehouse
from tests.compiler.harness import check_on_engine, run_duckdb
from tests.compiler.test_models_exact import threshold_probes


def _rows(n: int, n_features: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, n_features)), columns=[f"x{i}" for i in range(n_features)])
    signal = X.x0 + X.x1 * X.x2 - 0.5 * X.x3**2 + rng.normal(scale=0.7, size=n)
    return X, (signal > 0).to_numpy().astype(int)


def test_1500_tree_boosting_compiles_and_scores_exactly():
    """1,500 trees: no RecursionError in Python, no expression-depth error in DuckDB."""
    X, y = _rows(300, 4, 1)
    model = GradientBoostingClassifier(
        n_estimators=1500, max_depth=3, learning_rate=0.05, random_state=0
    ).fit(X, y)
    limit = sys.getrecursionlimit()
    out = check_on_engine(run_duckdb, model, X, dialect="duckdb")
    assert sys.getrecursionlimit() == limit
    # the sums run in scikit-learn's order: the scores are the same doubles
    assert np.array_equal(out["score"].to_numpy(), model.predict_proba(X)[:, 1])


def _probes(model: RandomForestClassifier, X: pd.DataFrame, n_splits: int) -> pd.DataFrame:
    """Rows at and around the thresholds of a sample of splits, and rows with NULLs."""
    rng = np.random.default_rng(0)
    base = X.to_numpy()
    blocks = [base[:2000]]
    for estimator in model.estimators_[:5]:
        t = estimator.tree_
        internal = np.flatnonzero(t.children_left >= 0)
        for node in rng.choice(internal, size=min(n_splits, len(internal)), replace=False):
            values = threshold_probes(float(t.threshold[node]))
            block = np.repeat(base[[rng.integers(len(base))]], len(values), axis=0)
            block[:, t.feature[node]] = values
            blocks.append(block)
    for j in range(base.shape[1]):
        block = base[:20].copy()
        block[:, j] = np.nan
        blocks.append(block)
    return pd.DataFrame(np.vstack(blocks), columns=X.columns)


def test_deep_forest_walks_arrays_and_scores_exactly():
    X, y = _rows(20_000, 10, 2)
    model = RandomForestClassifier(n_estimators=20, random_state=0, n_jobs=2).fit(X, y)
    model.set_params(n_jobs=None)
    assert max(e.tree_.max_depth for e in model.estimators_) > 20
    start = time.perf_counter()
    sql = scorehouse.compile_sql(model, source="src", keep=["row_id"])
    assert time.perf_counter() - start < 30
    assert "walk_arrays" in sql, "a deep forest should be compiled as arrays"
    nodes = sum(e.tree_.node_count for e in model.estimators_)
    assert len(sql) < 40 * nodes, f"{len(sql) / nodes:.1f} bytes per node"
    check_on_engine(run_duckdb, model, _probes(model, X, 40), dialect="duckdb")
