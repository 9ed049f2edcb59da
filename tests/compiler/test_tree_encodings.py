"""Every tree encoding scores exactly like scikit-learn, on DuckDB and on PostgreSQL.

Small models are forced into each encoding (nested CASE comparing doubles, nested CASE
comparing integer codes, arrays walked level by level, with and without CASE top levels)
and scored on rows built to break them: inputs at every split threshold and one ulp either
side, at the float32 rounding of the threshold and its neighbours, and NULLs (see
``probe_frame`` in test_models_exact.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sklearn import ensemble, tree

import scorehouse
from scorehouse.compiler.literals import MAX_DOUBLE
from scorehouse.compiler.trees import codes, encoding, walk
from scorehouse.compiler.trees.flat import FlatTree, float32_cuts
from tests.compiler.harness import check_on_engine, spark_subset
from tests.compiler.test_models_exact import complete_rows, probe_frame

N_TRAIN = 300


@cache
def _data(missing: bool) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=N_TRAIN),
            "b": np.round(rng.normal(size=N_TRAIN) * 4) / 4,  # coarse: ties around splits
            "c": rng.exponential(3.0, size=N_TRAIN) * 1e-3,  # small magnitudes
            "d": rng.normal(size=N_TRAIN) * 1e6,  # large ones
        }
    )
    signal = X.a + 0.5 * X.b - 100 * X.c + X.d * 1e-6 + rng.normal(scale=0.5, size=N_TRAIN)
    binary = (signal > -0.3).to_numpy().astype(int)
    three = np.digitize(signal, [-1.0, 0.4])
    if missing:
        X = X.mask(np.random.default_rng(12).random(X.shape) < 0.1)
    return X, binary, three, signal.to_numpy()


def _constant_tree() -> Any:
    X, _, _, _ = _data(False)
    return tree.DecisionTreeRegressor().fit(X, np.full(len(X), 2.5))


MODELS = {
    "tree_with_nan": lambda: tree.DecisionTreeClassifier(max_depth=6, random_state=0),
    "forest_multiclass_with_nan": lambda: ensemble.RandomForestClassifier(
        n_estimators=4, max_depth=5, random_state=0
    ),
    "extra_trees_regressor_with_nan": lambda: ensemble.ExtraTreesRegressor(
        n_estimators=3, max_depth=5, random_state=0
    ),
    "gbm_binary": lambda: ensemble.GradientBoostingClassifier(
        n_estimators=6, max_depth=3, random_state=0
    ),
    "gbm_multiclass": lambda: ensemble.GradientBoostingClassifier(
        n_estimators=4, max_depth=2, random_state=0
    ),
    "gbm_huber": lambda: ensemble.GradientBoostingRegressor(
        loss="huber", n_estimators=5, max_depth=3, random_state=0
    ),
    "hist_binary_with_nan": lambda: ensemble.HistGradientBoostingClassifier(
        max_iter=5, max_depth=4, random_state=0
    ),
    "hist_regressor_with_nan": lambda: ensemble.HistGradientBoostingRegressor(
        max_iter=5, max_depth=4, random_state=0
    ),
}
TARGET = {"multiclass": 2, "regressor": 3, "huber": 3}


@cache
def _case(name: str) -> tuple[Any, pd.DataFrame]:
    if name == "constant_tree":
        model = _constant_tree()
        X = _data(False)[0]
        return model, probe_frame(model, X)
    missing = name.endswith("with_nan")
    X, *targets = _data(missing)
    target = next((TARGET[k] for k in TARGET if k in name), 1)
    model = MODELS[name]().fit(X, _data(missing)[target])
    return model, probe_frame(model, X)


# encoding -> (forced encoding, inputs coded from this many tests on, CASE levels of a walk)
ENCODINGS = {
    "case_doubles": ("case", 10**9, None),
    "case_codes": ("case", 1, None),
    "walk": ("walk", 10**9, 0),
    "walk_after_case_levels": ("walk", 10**9, 2),
}


@pytest.fixture(params=sorted(ENCODINGS))
def forced(request, monkeypatch):
    name, min_tests, levels = ENCODINGS[request.param]
    monkeypatch.setattr(codes, "MIN_TESTS", min_tests)
    if levels is not None:
        monkeypatch.setattr(walk, "CASE_LEVELS", levels)
    with encoding.forced(name):
        yield request.param


@pytest.mark.parametrize(
    "name",
    spark_subset(
        sorted([*MODELS, "constant_tree"]),
        {"gbm_binary", "forest_multiclass_with_nan", "hist_binary_with_nan"},
    ),
)
def test_encoding_scores_exactly(engine, forced, name):
    runner, dialect = engine
    model, X = _case(name)
    sql = scorehouse.compile_sql(model, source="src", dialect=dialect, keep=["row_id"])
    walked = "walk_arrays" in sql
    assert walked == forced.startswith("walk"), f"{forced} not used"
    if forced == "case_codes" and name != "constant_tree":
        assert "CEIL(" in sql or "FLOOR(" in sql, "no input was coded"
    check_on_engine(runner, model, X, dialect=dialect, complete=complete_rows(model, X))


def _extreme_tree() -> tuple[Any, pd.DataFrame]:
    """A tree whose splits sit beyond float32's range, both ways, sending NULLs either way.

    float32_cut turns them into ±MAX_DOUBLE: the walk must not mirror such a split into a
    test of -x against -inf, and integer codes must leave them to the double comparison.
    """
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X.a > 0).astype(float) + (X.b > 0.5).astype(float) * 2
    model = tree.DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, y)
    t = model.tree_
    internal = np.flatnonzero(t.children_left >= 0)
    assert len(internal) == 3
    root, first, second = internal
    t.threshold[root] = 0.0
    t.threshold[first] = 4e38  # above float32's largest: every finite input goes left
    t.threshold[second] = -4e38  # below its smallest: every finite input goes right
    t.missing_go_to_left[first] = 1
    t.missing_go_to_left[second] = 0
    rows = X.head(20).copy()
    rows.loc[len(rows)] = [np.nan, 1.0]
    rows.loc[len(rows)] = [1.0, np.nan]
    rows.loc[len(rows)] = [-1.0, np.nan]
    rows.loc[len(rows)] = [np.nan, np.nan]
    rows.loc[len(rows)] = [0.0, 3e38]
    rows.loc[len(rows)] = [-0.0, -3e38]
    return model, rows


def test_splits_beyond_float32_range(engine, forced):
    runner, dialect = engine
    model, X = _extreme_tree()
    assert np.isin([MAX_DOUBLE, -MAX_DOUBLE], float32_cuts(model.tree_.threshold)).all()
    check_on_engine(runner, model, X, dialect=dialect)


def _codes_say(cut: float, x: np.ndarray, k: int) -> np.ndarray:
    """x <= cut as the SQL of codes.py computes it, emulated in numpy (IEEE either way)."""
    ceil, floor, value = codes._tests(np.array([cut]), k)
    bound = 2.0 ** (codes.CODE_BITS - k)
    y = np.clip(x, -bound, bound) * 2.0**k
    if ceil[0]:
        return np.ceil(y) <= value[0]
    assert floor[0]
    return np.floor(y) <= value[0]


def test_integer_codes_decide_like_the_double_comparison():
    rng = np.random.default_rng(3)
    thresholds = np.concatenate(
        [rng.normal(size=300), rng.normal(size=100) * 1e-4, rng.normal(size=100) * 1e5, [0.5, -2.0]]
    )
    cuts = float32_cuts(thresholds)
    checked = 0
    for cut in cuts:
        for k in (20, 30, 45):
            ceil, floor, _ = codes._tests(np.array([cut]), k)
            if not (ceil[0] or floor[0]):
                continue
            near = [cut, np.nextafter(cut, np.inf), np.nextafter(cut, -np.inf)]
            near += [np.nextafter(near[1], np.inf), np.nextafter(near[2], -np.inf)]
            x = np.array(near + [cut + 2.0**-k, cut - 2.0**-k, 0.0, -0.0, 1e300, -1e300, 2.0**70])
            assert (_codes_say(cut, x, k) == (x <= cut)).all(), (cut, k)
            checked += 1
    assert checked > 500


def test_grid_exponent():
    values = np.array([0.0, 1.0, 0.5, 0.75, 3.0, -0.125, 2.0**-60, 1e6, 0.1])
    k = codes.grid_exponent(values)
    assert k.tolist()[:8] == [0, 0, 1, 2, 0, 3, 60, 0]
    assert (values * 2.0**k == np.round(values * 2.0**k)).all()


@pytest.mark.parametrize("dialect", ["spark", "databricks", "trino", "snowflake", "bigquery"])
def test_other_dialects(dialect, monkeypatch):
    """The walk renders where arrays were checked, and gives way to CASE elsewhere."""
    model, _ = _case("forest_multiclass_with_nan")
    with encoding.forced("walk"):
        sql = scorehouse.compile_sql(model, source="src", dialect=dialect)
    sqlglot.parse_one(sql, read=dialect)
    if dialect in ("snowflake", "bigquery"):
        assert "walk_arrays" not in sql
    else:
        assert "walk_arrays" in sql and "ELEMENT_AT(" in sql


def _flat(depth: int) -> FlatTree:
    """A complete binary tree of the given depth, on input 0."""
    n = 2 ** (depth + 1) - 1
    left = np.array([2 * i + 1 if 2 * i + 1 < n else -1 for i in range(n)])
    right = np.array([2 * i + 2 if 2 * i + 2 < n else -1 for i in range(n)])
    return FlatTree(
        feature=np.where(left >= 0, 0, -1),
        cut=np.zeros(n),
        left=left,
        right=right,
        missing_left=np.zeros(n, dtype=bool),
        values=np.arange(n, dtype=float).reshape(-1, 1),
    )


def test_encoding_choice():
    shallow, deep = [_flat(3)] * 5, [_flat(3), _flat(encoding.CASE_MAX_DEPTH + 1)]
    assert encoding.choose(shallow, "duckdb") == "case"
    assert encoding.choose(deep, "duckdb") == "walk"
    assert encoding.choose(deep, "postgres") == "walk"
    assert encoding.choose(deep, "snowflake") == "case"
    assert encoding.choose(deep, None) == "case"
