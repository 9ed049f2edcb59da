"""Preprocessing steps compiled to SQL score exactly like scikit-learn, on DuckDB and PostgreSQL.

Each test fits a small pipeline on random data, scores rows that include NULLs, real NaNs,
±inf, unseen categories and values exactly at the fitted edges, and compares with the
pipeline itself. Rows scikit-learn refuses to score (see ``scorable``) must come out NULL.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    Binarizer,
    FunctionTransformer,
    KBinsDiscretizer,
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
    StandardScaler,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

import scorehouse
from scorehouse.errors import UnsupportedEstimatorError
from tests.compiler.harness import NOT_ON_SPARK, REAL_NAN, check_on_engine, scorable

N = 160


def short_id(estimator: object) -> str:
    return repr(estimator).replace(" ", "").replace("\n", "")


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """OpenMP threads only contend on fits and predictions this small."""
    with threadpool_limits(limits=1):
        yield


def check(engine, model, X: pd.DataFrame, *, expect_null: bool | None = None) -> None:
    """Compare on ``engine``; ``expect_null`` asserts that some rows are (not) refused."""
    runner, dialect = engine
    complete = scorable(model, X)
    if expect_null is not None:
        assert (~complete).any() == expect_null
    check_on_engine(runner, model, X, dialect=dialect, complete=complete)


def numeric(rng: np.random.Generator, n: int = N, missing: float = 0.0) -> pd.DataFrame:
    X = pd.DataFrame(
        {
            "a": rng.normal(2.0, 3.0, n),
            "b": rng.lognormal(0.0, 1.0, n),
            "k": rng.integers(-4, 5, n).astype(np.float64),
        }
    )
    if missing:
        for col in ("a", "b"):
            X.loc[rng.random(n) < missing, col] = np.nan
    return X


def with_specials(
    X: pd.DataFrame, columns: list[str], values: tuple[float, ...] = (REAL_NAN, np.inf, -np.inf)
) -> pd.DataFrame:
    """``X`` and two rows per column and value: a real NaN (not NULL) and ±inf by default."""
    blocks = [X]
    for column in columns:
        for value in values:
            block = X.head(2).copy()
            block[column] = value
            blocks.append(block)
    return pd.concat(blocks, ignore_index=True)


def target(X: pd.DataFrame) -> np.ndarray:
    return (X["a"].fillna(0) + X["b"].fillna(1) - X["k"] / 2 > 2).to_numpy().astype(int)


def categorical(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    """Strings with None, integer codes, floats with NaN, a binary string column."""
    return pd.DataFrame(
        {
            "city": rng.choice(
                ["rome", "oslo", "lima", "kyiv", "pune", None],
                n,
                p=[0.35, 0.25, 0.2, 0.1, 0.04, 0.06],
            ),
            "plan": rng.choice([1, 2, 3, 7], n, p=[0.5, 0.3, 0.15, 0.05]),
            "score": rng.choice([0.5, 1.5, 2.5, np.nan], n),
            "flag": rng.choice(["yes", "no"], n),
            "x": rng.normal(size=n),
        }
    )


def categorical_target(X: pd.DataFrame) -> np.ndarray:
    return ((X["city"] == "rome") ^ (X["plan"] > 1) ^ (X["x"] > 0.3)).to_numpy().astype(int)


def unseen_rows(X: pd.DataFrame) -> pd.DataFrame:
    """Rows with categories never seen at fit, and NULL in every categorical column."""
    extra = X.iloc[:4].copy()
    extra["city"] = ["tokyo", None, "rome", "oslo"]
    extra["plan"] = [5, 1, 2, 3]
    extra["score"] = [0.5, np.nan, 9.5, 1.5]
    extra["flag"] = ["yes", "no", "maybe", None]
    out = pd.concat([X, extra], ignore_index=True)
    out["plan"] = out["plan"].astype(np.float64)
    out.loc[len(out) - 1, "plan"] = np.nan
    return out


# --- scalers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scaler",
    [
        StandardScaler(),
        pytest.param(StandardScaler(with_mean=False), marks=NOT_ON_SPARK),
        pytest.param(StandardScaler(with_std=False), marks=NOT_ON_SPARK),
        pytest.param(MinMaxScaler(), marks=NOT_ON_SPARK),
        MinMaxScaler(feature_range=(-1.0, 2.0), clip=True),
        pytest.param(RobustScaler(), marks=NOT_ON_SPARK),
        RobustScaler(with_centering=False, quantile_range=(10.0, 90.0)),
        pytest.param(MaxAbsScaler(), marks=NOT_ON_SPARK),
        pytest.param(MaxAbsScaler(clip=True), marks=NOT_ON_SPARK),
    ],
    ids=short_id,
)
def test_scalers_keep_null_and_match(engine, scaler):
    rng = np.random.default_rng(10)
    X = numeric(rng, missing=0.1)
    y = X["a"].fillna(0) * 2 + X["b"].fillna(0) - X["k"]
    # NaN passes through a scaler, so a tree that learned missing values routes it
    tree = make_pipeline(scaler, DecisionTreeRegressor(max_depth=6, random_state=0)).fit(X, y)
    linear = make_pipeline(scaler, LinearRegression()).fit(X.fillna(1.0), y)
    fitted = linear[0]
    edges = [getattr(fitted, a, None) for a in ("mean_", "center_", "data_min_", "data_max_")]
    at_edges = pd.DataFrame([e for e in edges if e is not None], columns=X.columns)
    beyond = pd.DataFrame({"a": [-50.0, 60.0], "b": [40.0, -3.0], "k": [-9.0, 9.0]})
    X_test = pd.concat([X, at_edges, beyond], ignore_index=True)
    check(engine, tree, X_test, expect_null=False)
    # a real NaN is routed like NULL; ±inf is refused by the scaler
    check(engine, tree, with_specials(X_test, ["a", "b"]), expect_null=True)
    # a few NULLs and NaNs: the linear model refuses them
    X_lin = pd.concat([X.fillna(1.0), at_edges, beyond, X[X.isna().any(axis=1)][:3]])
    X_lin = with_specials(X_lin.reset_index(drop=True), ["a", "k"])
    check(engine, linear, X_lin, expect_null=True)


# --- SimpleImputer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "imputer",
    [
        pytest.param(SimpleImputer(strategy="mean"), marks=NOT_ON_SPARK),
        SimpleImputer(strategy="median", add_indicator=True),
        pytest.param(SimpleImputer(strategy="most_frequent"), marks=NOT_ON_SPARK),
        pytest.param(
            SimpleImputer(strategy="constant", fill_value=-3.5, add_indicator=True),
            marks=NOT_ON_SPARK,
        ),
        SimpleImputer(strategy="mean", keep_empty_features=True),
    ],
    ids=short_id,
)
# the column with no value at fit is the case under test
@pytest.mark.filterwarnings("ignore:Skipping features without any observed values:UserWarning")
def test_simple_imputer_on_numbers(engine, imputer):
    rng = np.random.default_rng(11)
    X = numeric(rng, missing=0.2)
    X["empty"] = np.nan  # no value at fit: dropped unless keep_empty_features
    y = target(X)
    model = make_pipeline(imputer, LogisticRegression()).fit(X, y)
    X_test = X.copy()
    X_test.loc[:5, "empty"] = [1.0, -2.0, 3.0, 0.0, 5.0, 6.0]
    X_test.loc[7, ["a", "b", "k"]] = np.nan  # k had no missing value at fit
    check(engine, model, X_test, expect_null=False)
    # a real NaN is imputed (and flagged) like NULL; ±inf is refused
    check(engine, model, with_specials(X_test, ["a", "k"]), expect_null=True)


@pytest.mark.parametrize(
    "imputer",
    [
        pytest.param(SimpleImputer(strategy="most_frequent"), marks=NOT_ON_SPARK),
        SimpleImputer(strategy="constant", fill_value="unknown", add_indicator=True),
        pytest.param(SimpleImputer(strategy="constant"), marks=NOT_ON_SPARK),
        SimpleImputer(strategy="most_frequent", missing_values=None),
    ],
    ids=short_id,
)
def test_simple_imputer_on_strings_then_one_hot(engine, imputer):
    rng = np.random.default_rng(12)
    X = categorical(rng)
    X_test = unseen_rows(X)
    if imputer.missing_values is None:  # None, not NaN, marks a missing string
        for frame in (X, X_test):
            for col in ("city", "flag"):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    y = categorical_target(X)
    cats = make_pipeline(imputer, OneHotEncoder(handle_unknown="ignore"))
    ct = ColumnTransformer([("cat", cats, ["city", "flag"]), ("num", "passthrough", ["x"])])
    model = make_pipeline(ct, LogisticRegression()).fit(X, y)
    check(engine, model, X_test, expect_null=False)


# --- OneHotEncoder ----------------------------------------------------------------------


def check_encoder(engine, encoder, final) -> None:
    """Encode the categorical columns, pass the number through, score unseen rows."""
    X = categorical(np.random.default_rng(13))
    ct = ColumnTransformer(
        [("cat", encoder, ["city", "plan", "score", "flag"])], remainder="passthrough"
    )
    model = make_pipeline(ct, final).fit(X, categorical_target(X))
    check(engine, model, unseen_rows(X), expect_null=encoder.handle_unknown == "error")
    # numeric categories: a real NaN is a missing value, ±inf is refused
    check(engine, model, with_specials(unseen_rows(X), ["plan", "score"]), expect_null=True)


ONE_HOT = [
    OneHotEncoder(handle_unknown="ignore"),
    pytest.param(OneHotEncoder(handle_unknown="ignore", drop="first"), marks=NOT_ON_SPARK),
    pytest.param(OneHotEncoder(handle_unknown="ignore", drop="if_binary"), marks=NOT_ON_SPARK),
    OneHotEncoder(drop=np.array(["lima", 2, 1.5, "no"], dtype=object)),
    OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=20),
    pytest.param(
        OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=3, drop="first"),
        marks=NOT_ON_SPARK,
    ),
    pytest.param(OneHotEncoder(handle_unknown="warn", min_frequency=0.1), marks=NOT_ON_SPARK),
    OneHotEncoder(handle_unknown="error"),
    pytest.param(
        OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float32),
        marks=NOT_ON_SPARK,
    ),
]


@pytest.mark.parametrize("encoder", ONE_HOT, ids=short_id)
# categories unseen at fit are part of every case
@pytest.mark.filterwarnings("ignore:Found unknown categories:UserWarning")
def test_one_hot_encoder(engine, encoder):
    check_encoder(engine, encoder, LogisticRegression(C=100.0))


# --- OrdinalEncoder ---------------------------------------------------------------------

ORDINAL = [
    OrdinalEncoder(encoded_missing_value=-1),
    pytest.param(
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), marks=NOT_ON_SPARK
    ),
    OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=-2
    ),
    pytest.param(
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, min_frequency=20),
        marks=NOT_ON_SPARK,
    ),
    OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=9, max_categories=3),
]


@pytest.mark.parametrize("encoder", ORDINAL, ids=short_id)
def test_ordinal_encoder(engine, encoder):
    # the tree takes NaN, so an unknown or missing code is routed, not refused; a refused
    # value gives NULL, which the logistic regression turns into a NULL score
    refuses = encoder.handle_unknown == "error"
    check_encoder(engine, encoder, LogisticRegression() if refuses else DecisionTreeClassifier())


@pytest.mark.parametrize(
    "encoder",
    [OrdinalEncoder(), OneHotEncoder(handle_unknown="error")],
    ids=short_id,
)
def test_refused_category_before_a_tree_gives_null(engine, encoder):
    # the tree would route a NULL code as a missing value; sklearn refuses the row instead
    rng = np.random.default_rng(14)
    X = categorical(rng)
    ct = ColumnTransformer([("cat", encoder, ["city", "plan"])])
    model = make_pipeline(ct, DecisionTreeClassifier(max_depth=4)).fit(X, categorical_target(X))
    check(engine, model, with_specials(unseen_rows(X), ["plan"]), expect_null=True)


@pytest.mark.parametrize(
    "step",
    [
        Binarizer(threshold=1.0),
        KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="quantile"),
        pytest.param(FunctionTransformer(None, validate=True), marks=NOT_ON_SPARK),
    ],
    ids=short_id,
)
def test_missing_value_refused_by_a_step_before_a_tree_gives_null(engine, step):
    rng = np.random.default_rng(16)
    X = numeric(rng)
    model = make_pipeline(step, DecisionTreeClassifier(max_depth=4)).fit(X, target(X))
    rows = numeric(np.random.default_rng(17), n=60, missing=0.3)
    check(engine, model, with_specials(rows, ["a", "k"]), expect_null=True)


# --- KBinsDiscretizer, Binarizer --------------------------------------------------------


@pytest.mark.parametrize(
    "binner",
    [
        KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="uniform"),
        pytest.param(
            KBinsDiscretizer(n_bins=4, encode="onehot", strategy="quantile"), marks=NOT_ON_SPARK
        ),
        KBinsDiscretizer(n_bins=[3, 6, 2], encode="onehot-dense", strategy="kmeans"),
        pytest.param(
            KBinsDiscretizer(n_bins=8, encode="ordinal", strategy="quantile"), marks=NOT_ON_SPARK
        ),
    ],
    ids=short_id,
)
def test_kbins_discretizer_at_edges(engine, binner):
    rng = np.random.default_rng(15)
    X = numeric(rng)
    y = X["a"] - 2 * X["b"] + X["k"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quantile bins on the integer column collapse
        model = make_pipeline(binner, LinearRegression()).fit(X, y)
    edges = model[0].bin_edges_
    rows = []
    for j, col in enumerate(X.columns):  # every edge, and one ulp either side
        for e in edges[j]:
            for v in (np.nextafter(e, -np.inf), e, np.nextafter(e, np.inf)):
                row = X.iloc[0].copy()
                row[col] = v
                rows.append(row)
    X_test = pd.concat([X, pd.DataFrame(rows)], ignore_index=True)
    X_test.loc[3, "a"] = np.nan  # refused by scikit-learn: NULL, not a bin
    check(engine, model, with_specials(X_test, ["a", "b"]), expect_null=True)


def test_binarizer_at_threshold(engine):
    rng = np.random.default_rng(16)
    X = numeric(rng)
    y = X["a"] + X["k"]
    model = make_pipeline(Binarizer(threshold=0.75), LinearRegression()).fit(X, y)
    near = [np.nextafter(0.75, -1.0), 0.75, np.nextafter(0.75, 2.0)]
    X_test = pd.concat(
        [X, pd.DataFrame({"a": near, "b": near[::-1], "k": [0.75, 1.0, 0.0]})], ignore_index=True
    )
    X_test.loc[0, "b"] = np.nan  # refused by scikit-learn: NULL, never 0
    check(engine, model, with_specials(X_test, ["a", "b"]), expect_null=True)


# --- FunctionTransformer ----------------------------------------------------------------


def test_log1p_matches_numpy(engine):
    rng = np.random.default_rng(17)
    x = np.concatenate([rng.lognormal(0.0, 2.0, N), [0.0, 1e-300, 5e-17, 1e-9, -0.5, -0.999999]])
    X = pd.DataFrame({"x": x, "z": rng.uniform(0.0, 3.0, len(x))})
    # fitted to log1p itself, so the prediction is log1p(x) up to a factor near 1
    model = make_pipeline(FunctionTransformer(np.log1p), LinearRegression())
    model.fit(X, np.log1p(X["x"]))
    X_test = pd.concat(
        [X, pd.DataFrame({"x": [-1.0, -3.0, np.nan, 1e300], "z": [0.0, 0.0, 0.0, 0.0]})],
        ignore_index=True,
    )
    check(engine, model, with_specials(X_test, ["x", "z"]), expect_null=True)


@pytest.mark.parametrize(
    "final",
    [
        HistGradientBoostingRegressor(max_iter=10, random_state=0),
        pytest.param(DecisionTreeRegressor(max_depth=5, random_state=0), marks=NOT_ON_SPARK),
    ],
    ids=short_id,
)
def test_log1p_gives_infinity_to_the_next_step(engine, final):
    """log1p(-1) is -inf and log1p(inf) is inf: HistGradientBoosting routes them, a tree
    refuses them; log1p(x < -1) is NaN, a missing value to either."""
    rng = np.random.default_rng(23)
    X = pd.DataFrame({"x": rng.lognormal(0.0, 1.5, N) - 0.9, "z": rng.normal(size=N)})
    X.loc[rng.random(N) < 0.1, "x"] = -2.0  # NaN after log1p: the model learns where it goes
    model = make_pipeline(FunctionTransformer(np.log1p), final)
    with np.errstate(invalid="ignore"):  # log1p(-2) is NaN, as meant
        model.fit(X.assign(z=X.z.abs()), np.log1p(X.x.clip(lower=0.0)) + X.z)
    rows = pd.DataFrame(
        {
            "x": [-1.0, -3.0, -np.inf, np.inf, REAL_NAN, np.nan, 1e300, 0.5],
            "z": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -1.0],
        }
    )
    takes_infinity = isinstance(final, HistGradientBoostingRegressor)
    rows_and_more = pd.concat([X.head(20), rows], ignore_index=True)
    check(engine, model, rows_and_more, expect_null=not takes_infinity)
    assert scorable(model, rows)[:4].tolist() == [takes_infinity, True, True, takes_infinity]


def test_identity_function_transformer(engine):
    rng = np.random.default_rng(18)
    X = numeric(rng, missing=0.1)
    ct = ColumnTransformer(
        [("id", FunctionTransformer(), ["a", "k"]), ("log", FunctionTransformer(np.log1p), ["b"])]
    )
    model = make_pipeline(ct, DecisionTreeClassifier(max_depth=5, random_state=0))
    model.fit(X, target(X))
    check(engine, model, X, expect_null=False)
    # the identity passes ±inf on to the tree, which refuses it; log1p(-1) is -inf too
    rows = with_specials(X, ["a", "b"], (REAL_NAN, np.inf, -np.inf, -1.0, -3.0))
    check(engine, model, rows, expect_null=True)


# --- HistGradientBoosting with categorical features -------------------------------------


@pytest.mark.parametrize("task", ["classifier", pytest.param("regressor", marks=NOT_ON_SPARK)])
def test_hist_gradient_boosting_categories(engine, task):
    rng = np.random.default_rng(19)
    X = categorical(rng, n=300)
    X.loc[rng.random(len(X)) < 0.1, "x"] = np.nan
    cats = ["city", "flag", "plan"]
    if task == "classifier":
        model = HistGradientBoostingClassifier(max_iter=15, categorical_features=cats)
        model.fit(X, categorical_target(X))
    else:
        model = HistGradientBoostingRegressor(max_iter=15, categorical_features=cats)
        model.fit(X, X["x"].fillna(0) + (X["city"] == "lima") * 2 + X["plan"])
    check(engine, model, unseen_rows(X), expect_null=False)
    # a numeric input takes NaN and ±inf; a categorical one refuses ±inf (its encoder)
    rows = with_specials(unseen_rows(X), ["x", "plan"])
    assert scorable(model, rows).sum() == len(rows) - 4
    check(engine, model, rows, expect_null=True)


# --- what is not supported names itself -------------------------------------------------


@pytest.mark.parametrize(
    ("step", "named"),
    [
        (SimpleImputer(missing_values=-1.0), "missing_values=-1.0"),
        (FunctionTransformer(np.sqrt), "sqrt"),
        (FunctionTransformer(np.log1p, kw_args={"out": None}), "kw_args"),
        (KBinsDiscretizer(n_bins=3, encode="ordinal", dtype=np.float32), "float32"),
        (PolynomialFeatures(), "PolynomialFeatures"),
    ],
)
def test_unsupported_settings_are_named(step, named):
    X = numeric(np.random.default_rng(20)).abs()
    model = make_pipeline(step, LinearRegression()).fit(X, X["a"])
    with pytest.raises(UnsupportedEstimatorError, match=named):
        scorehouse.compile_sql(model, source="src")
