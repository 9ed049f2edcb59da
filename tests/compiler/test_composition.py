"""ColumnTransformer and nested Pipelines: every way of selecting columns, in output order.

A wrong column order changes which coefficient meets which value, so comparing the
final scores with scikit-learn checks the order too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    KBinsDiscretizer,
    MinMaxScaler,
    OneHotEncoder,
    RobustScaler,
    StandardScaler,
)

from tests.compiler.harness import REAL_NAN, check_on_engine, spark_subset
from tests.compiler.test_preprocessing import check

N = 150


def frame(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": rng.normal(0.0, 2.0, n),
            "b": rng.uniform(-1.0, 5.0, n),
            "c": rng.choice(["red", "green", "blue"], n),
            "d": rng.integers(0, 10, n),
            "e": rng.lognormal(0.0, 1.0, n),
        }
    )


def label(X: pd.DataFrame) -> np.ndarray:
    return ((X["a"] - X["b"] + (X["c"] == "red") * 2 + X["d"] / 5) > 1).to_numpy().astype(int)


def one_hot() -> OneHotEncoder:
    return OneHotEncoder(handle_unknown="ignore")


LAYOUTS = {
    "by_name_remainder_drop": dict(
        transformers=[("s", StandardScaler(), ["b", "a"]), ("o", one_hot(), ["c"])],
        remainder="drop",
    ),
    "by_index_remainder_passthrough": dict(
        transformers=[("o", one_hot(), [2]), ("s", StandardScaler(), [4, 0])],
        remainder="passthrough",
    ),
    "negative_index_and_mask_remainder_estimator": dict(
        transformers=[
            ("m", MinMaxScaler(), [-1]),
            ("o", one_hot(), [False, False, True, False, False]),
        ],
        remainder=RobustScaler(),
    ),
    "selector_callables": dict(
        transformers=[
            ("o", one_hot(), make_column_selector(dtype_exclude=np.number)),
            ("s", StandardScaler(), make_column_selector(pattern="^[ab]$")),
        ],
        remainder="passthrough",
    ),
    "slice_by_name_is_inclusive": dict(
        transformers=[("s", StandardScaler(), slice("a", "b")), ("o", one_hot(), slice(2, 3))],
    ),
    "drop_passthrough_and_empty_branches": dict(
        transformers=[
            ("gone", "drop", ["a"]),
            ("kept", "passthrough", ["e", "b"]),
            ("nothing", StandardScaler(), []),
            ("o", one_hot(), ["c"]),
        ],
        remainder="passthrough",
    ),
    "weights": dict(
        transformers=[("s", StandardScaler(), ["a", "e"]), ("o", one_hot(), ["c"])],
        remainder="drop",
        transformer_weights={"s": 2.5, "o": 0.75},
    ),
    "nested_pipelines_and_column_transformer": dict(
        transformers=[
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["a", "b"]),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), one_hot()), ["c"]),
            (
                "inner",
                ColumnTransformer(
                    [("k", KBinsDiscretizer(n_bins=3, encode="onehot-dense"), ["e"])],
                    remainder="passthrough",
                ),
                ["d", "e"],
            ),
        ],
    ),
}


@pytest.mark.parametrize(
    "layout",
    spark_subset(
        list(LAYOUTS),
        {"negative_index_and_mask_remainder_estimator", "nested_pipelines_and_column_transformer"},
    ),
)
def test_column_transformer_layouts(engine, layout):
    rng = np.random.default_rng(30)
    X = frame(rng)
    ct = ColumnTransformer(**LAYOUTS[layout])
    model = Pipeline([("ct", ct), ("none", "passthrough"), ("lr", LogisticRegression(C=50.0))])
    model.fit(X, label(X))
    X_test = X.copy()
    X_test.loc[0, "c"] = "purple"  # unseen
    nested = layout.startswith("nested")
    if nested:
        X_test.loc[1:3, ["a", "c"]] = [np.nan, None]
        X_test.loc[4:5, "a"] = REAL_NAN  # imputed, as NULL is
        X_test.loc[6, "b"] = np.inf  # refused by the imputer
        X_test.loc[7, "e"] = -np.inf  # refused by KBinsDiscretizer
    check(engine, model, X_test, expect_null=nested)


def test_staged_steps_after_column_transformer(engine):
    """A scaler over the ColumnTransformer's whole output reads it from the previous stage."""
    rng = np.random.default_rng(31)
    X = frame(rng)
    ct = ColumnTransformer([("o", one_hot(), ["c"])], remainder="passthrough")
    model = make_pipeline(ct, StandardScaler(), MinMaxScaler(), LogisticRegression())
    model.fit(X, label(X))
    check(engine, model, X, expect_null=False)


# fitted on arrays on purpose, then scored by column name: scikit-learn says so
@pytest.mark.filterwarnings("ignore:X has feature names:UserWarning")
def test_fitted_on_arrays_with_feature_list(engine):
    runner, dialect = engine
    full = frame(np.random.default_rng(32))
    X = full[["a", "b", "e"]]
    ct = ColumnTransformer(
        [("k", KBinsDiscretizer(n_bins=4, encode="ordinal"), [1]), ("s", StandardScaler(), [2, 0])]
    )
    model = make_pipeline(ct, LogisticRegression()).fit(X.to_numpy(), label(full))
    check_on_engine(runner, model, X, dialect=dialect, features=list(X.columns))
