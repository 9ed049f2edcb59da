"""Every supported model, scored in DuckDB, PostgreSQL and Spark, against scikit-learn itself.

Besides ordinary rows, each model is scored on rows built to catch the classic failures:
inputs exactly at every split threshold and one ulp either side; at the float32 rounding of
the threshold, its float32 neighbours and the midpoints between them (scikit-learn's trees
compare ``float32(x) <= threshold``); NULLs and real NaNs in each input, which go where the
model sends missing values, or give NULL outputs where scikit-learn refuses them; ±inf and
the doubles either side of float32's overflow, which some models take and others refuse;
and constructed ties between classes, where the label must follow numpy's first-argmax.
Which rows scikit-learn refuses is asked of scikit-learn itself (``harness.scorable``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import ensemble, linear_model, tree

from scorehouse.compiler.literals import FLOAT32_OVERFLOW
from tests.compiler.harness import REAL_NAN, check_on_engine, scorable

FEATURES = ["a", "b", "c"]
N_TRAIN = 200
TARGETS = {"binary": 1, "three": 2, "continuous": 3}  # positions in _data()


@cache
def _data() -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Features with coarse and fine values (coarse ones repeat, so thresholds fall between
    ties), a binary, a three-class and a continuous target."""
    rng = np.random.default_rng(7)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=N_TRAIN),
            "b": np.round(rng.normal(size=N_TRAIN) * 4) / 4,
            "c": rng.exponential(3.0, size=N_TRAIN),
        }
    )
    signal = X.a + 0.5 * X.b - 0.2 * X.c + rng.normal(scale=0.5, size=N_TRAIN)
    binary = (signal > -0.3).to_numpy().astype(int)
    three = np.digitize(signal, [-1.0, 0.4])
    return X, binary, three, signal.to_numpy()


def _with_missing(X: pd.DataFrame) -> pd.DataFrame:
    """About a tenth of each column missing, so trees learn where missing values go."""
    rng = np.random.default_rng(8)
    return X.mask(rng.random(X.shape) < 0.1)


# ---------------------------------------------------------------------------- probe rows


def threshold_probes(t: float) -> list[float]:
    """Doubles around a threshold ``t`` where float32 and float64 comparisons part ways.

    A split on missingness alone has threshold +inf; scikit-learn refuses inputs beyond
    float32's range, so there is nothing to probe but the NULL rows.
    """
    if not np.isfinite(np.float32(t)):
        return []
    f32 = np.float32(t)
    up, down = np.nextafter(f32, np.float32(np.inf)), np.nextafter(f32, np.float32(-np.inf))
    points = [t, float(f32), float(up), float(down)]
    points += [(float(f32) + float(up)) / 2, (float(f32) + float(down)) / 2]
    out = []
    for p in points:
        out += [p, float(np.nextafter(p, -np.inf)), float(np.nextafter(p, np.inf))]
    limit = float(np.finfo(np.float32).max)
    return sorted({p for p in out if abs(p) <= limit})


def _sklearn_trees(model: Any) -> list[Any]:
    if hasattr(model, "tree_"):
        return [model]
    estimators = getattr(model, "estimators_", [])
    return [t for t in np.asarray(estimators, dtype=object).ravel() if hasattr(t, "tree_")]


def _hist_nodes_reached(nodes: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(rows, nodes) booleans: which nodes of a HistGradientBoosting tree each row visits."""
    reached = np.zeros((len(X), len(nodes)), dtype=bool)
    for i, x in enumerate(X):
        node = 0
        while True:
            reached[i, node] = True
            if nodes["is_leaf"][node]:
                break
            v = x[nodes["feature_idx"][node]]
            left = (
                nodes["missing_go_to_left"][node]
                if np.isnan(v)
                else v <= nodes["num_threshold"][node]
            )
            node = nodes["left"][node] if left else nodes["right"][node]
    return reached


def _splits(model: Any, frame: pd.DataFrame) -> Iterator[tuple[int, float, int]]:
    """(feature, threshold, a row reaching that split) for every numeric split of the model."""
    X = frame.to_numpy(dtype=np.float64)
    for t in _sklearn_trees(model):
        named = hasattr(t, "feature_names_in_")
        reached = t.decision_path(frame if named else X).toarray().astype(bool)
        for node in np.flatnonzero(t.tree_.feature >= 0):
            rows = np.flatnonzero(reached[:, node])
            yield (
                int(t.tree_.feature[node]),
                float(t.tree_.threshold[node]),
                int(rows[0]) if len(rows) else 0,
            )
    for predictors in getattr(model, "_predictors", []):
        for predictor in predictors:
            nodes = predictor.nodes
            reached = _hist_nodes_reached(nodes, X)
            for node in np.flatnonzero(
                ~nodes["is_leaf"].astype(bool) & ~nodes["is_categorical"].astype(bool)
            ):
                rows = np.flatnonzero(reached[:, node])
                yield (
                    int(nodes["feature_idx"][node]),
                    float(nodes["num_threshold"][node]),
                    int(rows[0]) if len(rows) else 0,
                )


# Values scikit-learn reads as missing (REAL_NAN: a NaN in the warehouse, not a NULL), or
# infinite, or finite but infinite once cast to float32 (trees refuse them), and the double
# just below that.
SPECIAL_VALUES = [
    REAL_NAN,
    np.inf,
    -np.inf,
    FLOAT32_OVERFLOW,
    -FLOAT32_OVERFLOW,
    float(np.nextafter(FLOAT32_OVERFLOW, 0.0)),
    float(-np.nextafter(FLOAT32_OVERFLOW, 0.0)),
]


def special_rows(base: np.ndarray) -> np.ndarray:
    """Each special value in each input of two ordinary rows, and rows mixing them."""
    rows = []
    for j in range(base.shape[1]):
        for value in SPECIAL_VALUES:
            block = base[:2].copy()
            block[:, j] = value
            rows.append(block)
    n = base.shape[1]
    for first in (REAL_NAN, np.inf, -np.inf):
        rows.append(np.full((1, n), first))
        mixed = np.resize(np.array([first, np.nan, np.inf, REAL_NAN, -np.inf]), n)
        rows.append(mixed[None, :])
    return np.vstack(rows)


def probe_frame(model: Any, X: pd.DataFrame, *, final: Any | None = None) -> pd.DataFrame:
    """The training rows, then threshold probes, then rows with NULLs, NaNs and infinities.

    ``final`` is the estimator whose splits are probed, when it is not ``model`` itself
    (the last step of a pipeline that does not change the inputs, a calibrated base).
    """
    base = X.to_numpy(dtype=np.float64)
    rows = [base]
    seen = set()
    for feature, threshold, row in _splits(final if final is not None else model, X):
        if (feature, threshold, row) in seen:
            continue
        seen.add((feature, threshold, row))
        values = threshold_probes(threshold)
        if not values:
            continue
        block = np.repeat(base[row : row + 1], len(values), axis=0)
        block[:, feature] = values
        rows.append(block)
    for j in range(base.shape[1]):  # each input missing, on a few ordinary rows
        block = base[:5].copy()
        block[:, j] = np.nan
        rows.append(block)
    rows.append(np.full((1, base.shape[1]), np.nan))
    rows.append(special_rows(base))
    return pd.DataFrame(np.vstack(rows), columns=X.columns)


def complete_rows(model: Any, X: pd.DataFrame) -> np.ndarray:
    """The rows scikit-learn scores, asked of the model itself."""
    return scorable(model, X)


# ---------------------------------------------------------------------------- the models


def _fitted(
    make: Callable[[], Any], target: str, *, missing: bool = False
) -> Callable[[], tuple[Any, pd.DataFrame]]:
    """A case: ``make()`` fitted on the shared features (some missing) and one target."""

    def build() -> tuple[Any, pd.DataFrame]:
        X = _with_missing(_data()[0]) if missing else _data()[0]
        model = make().fit(X, _data()[TARGETS[target]])
        return model, probe_frame(model, X)

    return build


def _logistic_zero(target: str) -> Callable[[], tuple[Any, pd.DataFrame]]:
    """All coefficients and the intercept zero: every class ties on every row."""

    def build() -> tuple[Any, pd.DataFrame]:
        X = _data()[0]
        model = linear_model.LogisticRegression().fit(X, _data()[TARGETS[target]])
        model.coef_ = np.zeros_like(model.coef_)
        model.intercept_ = np.zeros_like(model.intercept_)
        zero = pd.DataFrame(np.zeros((3, 3)), columns=FEATURES)
        special = pd.DataFrame(special_rows(X.to_numpy()), columns=FEATURES)
        return model, pd.concat([zero, X.head(20), special], ignore_index=True)

    return build


def _tree_with_tied_leaf() -> tuple[Any, pd.DataFrame]:
    """Two identical rows with different labels end in a leaf with equal class counts."""
    X, y = _data()[0].head(60), _data()[1][:60]
    twin = pd.DataFrame([[9.0, 9.0, 9.0], [9.0, 9.0, 9.0]], columns=FEATURES)
    X, y = pd.concat([X, twin], ignore_index=True), np.concatenate([y, [1, 0]])
    model = tree.DecisionTreeClassifier(random_state=0).fit(X, y)
    probes = probe_frame(model, X)
    assert (model.predict_proba(twin)[:, 0] == 0.5).all()
    return model, probes


def _forest_that_disagrees() -> tuple[Any, pd.DataFrame]:
    """Two fully grown trees voting for different classes: a mean of exactly [0.5, 0.5]."""
    X, y = _data()[0].head(80), _data()[1][:80]
    model = ensemble.RandomForestClassifier(n_estimators=2, random_state=3).fit(X, y)
    candidates = pd.DataFrame(
        np.random.default_rng(9).normal(size=(400, 3)) * [1, 2, 3] + [0, 0, 3], columns=FEATURES
    )
    tied = candidates[model.predict_proba(candidates)[:, 0] == 0.5]
    assert len(tied) >= 5, "no disagreeing rows found"
    return model, pd.concat([probe_frame(model, X), tied], ignore_index=True)


def _hist_with_categories() -> tuple[Any, pd.DataFrame]:
    """Native categorical splits; scored on unseen categories and NULLs too."""
    X, binary, _, _ = _data()
    channels = np.array(["email", "sms", "push", "ads", "web"])
    X = X.assign(channel=channels[np.arange(len(X)) % 5])
    y = binary ^ X.channel.isin(["sms", "ads"]).to_numpy()
    model = ensemble.HistGradientBoostingClassifier(
        max_iter=4, max_depth=3, categorical_features=["channel"]
    ).fit(X, y)
    odd = pd.DataFrame(
        {"a": [0.1, 0.2, np.nan, 0.3], "b": 0.5, "c": 1.0, "channel": ["tv", None, "sms", "SMS"]}
    )
    numbers = X[FEATURES].to_numpy()
    special = pd.DataFrame(special_rows(numbers), columns=FEATURES).assign(
        channel=np.resize(["sms", "tv", None, "email"], len(special_rows(numbers)))
    )
    return model, pd.concat([X, odd, special], ignore_index=True)


CASES: dict[str, Callable[[], tuple[Any, pd.DataFrame]]] = {
    "logistic_binary": _fitted(lambda: linear_model.LogisticRegression(), "binary"),
    "logistic_multinomial": _fitted(lambda: linear_model.LogisticRegression(), "three"),
    "logistic_zero_binary_tie": _logistic_zero("binary"),
    "logistic_zero_multiclass_tie": _logistic_zero("three"),
    "sgd_log_loss_binary": _fitted(
        lambda: linear_model.SGDClassifier(loss="log_loss", random_state=0), "binary"
    ),
    "sgd_log_loss_multiclass": _fitted(
        lambda: linear_model.SGDClassifier(loss="log_loss", random_state=0), "three"
    ),
    "linear_regression": _fitted(lambda: linear_model.LinearRegression(), "continuous"),
    "ridge": _fitted(lambda: linear_model.Ridge(alpha=0.5), "continuous"),
    "lasso": _fitted(lambda: linear_model.Lasso(alpha=0.05), "continuous"),
    "elastic_net": _fitted(lambda: linear_model.ElasticNet(alpha=0.05, l1_ratio=0.3), "continuous"),
    "tree_classifier": _fitted(
        lambda: tree.DecisionTreeClassifier(max_depth=4, random_state=0), "binary"
    ),
    "tree_classifier_multiclass": _fitted(
        lambda: tree.DecisionTreeClassifier(max_depth=4, random_state=0), "three"
    ),
    "tree_classifier_trained_with_nan": _fitted(
        lambda: tree.DecisionTreeClassifier(max_depth=4, random_state=0), "binary", missing=True
    ),
    "tree_classifier_tied_leaf": _tree_with_tied_leaf,
    "tree_regressor": _fitted(
        lambda: tree.DecisionTreeRegressor(max_depth=4, random_state=0), "continuous"
    ),
    "tree_regressor_trained_with_nan": _fitted(
        lambda: tree.DecisionTreeRegressor(max_depth=4, random_state=0), "continuous", missing=True
    ),
    "random_forest_classifier": _fitted(
        lambda: ensemble.RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
        "three",
    ),
    "random_forest_classifier_trained_with_nan": _fitted(
        lambda: ensemble.RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
        "binary",
        missing=True,
    ),
    "random_forest_disagreeing_trees": _forest_that_disagrees,
    "extra_trees_classifier_trained_with_nan": _fitted(
        lambda: ensemble.ExtraTreesClassifier(n_estimators=3, max_depth=3, random_state=0),
        "binary",
        missing=True,
    ),
    "random_forest_regressor_trained_with_nan": _fitted(
        lambda: ensemble.RandomForestRegressor(n_estimators=3, max_depth=3, random_state=0),
        "continuous",
        missing=True,
    ),
    "extra_trees_regressor": _fitted(
        lambda: ensemble.ExtraTreesRegressor(n_estimators=3, max_depth=3, random_state=0),
        "continuous",
    ),
    "gradient_boosting_binary": _fitted(
        lambda: ensemble.GradientBoostingClassifier(n_estimators=4, max_depth=2, random_state=0),
        "binary",
    ),
    "gradient_boosting_multiclass": _fitted(
        lambda: ensemble.GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0),
        "three",
    ),
    **{
        f"gradient_boosting_regressor_{loss}": _fitted(
            lambda loss=loss: ensemble.GradientBoostingRegressor(
                loss=loss, n_estimators=4, max_depth=2, random_state=0
            ),
            "continuous",
        )
        for loss in ("squared_error", "absolute_error", "huber")
    },
    "hist_gradient_boosting_binary_with_nan": _fitted(
        lambda: ensemble.HistGradientBoostingClassifier(max_iter=4, max_depth=3),
        "binary",
        missing=True,
    ),
    "hist_gradient_boosting_multiclass_with_nan": _fitted(
        lambda: ensemble.HistGradientBoostingClassifier(max_iter=3, max_depth=3),
        "three",
        missing=True,
    ),
    "hist_gradient_boosting_categories_unseen_and_null": _hist_with_categories,
    "hist_gradient_boosting_regressor_with_nan": _fitted(
        lambda: ensemble.HistGradientBoostingRegressor(max_iter=4, max_depth=3),
        "continuous",
        missing=True,
    ),
}


@cache
def _case(name: str) -> tuple[Any, pd.DataFrame]:
    return CASES[name]()


@pytest.fixture(autouse=True)
def statement_timeout(monkeypatch):
    """A query that PostgreSQL cannot plan fails in a minute instead of hanging the suite."""
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=60000")


@pytest.mark.parametrize("name", sorted(CASES))
def test_sql_scores_exactly_like_sklearn(engine, name):
    runner, dialect = engine
    model, X = _case(name)
    check_on_engine(runner, model, X, dialect=dialect, complete=complete_rows(model, X))


def test_probes_straddle_float32_rounding():
    """The probes hold values that float32 and float64 put on different sides of t."""
    for t in (0.1 + 2e-9, 0.1 - 2e-9, 2.5000001):
        assert any((p <= t) != (np.float32(p) <= t) for p in threshold_probes(t))
