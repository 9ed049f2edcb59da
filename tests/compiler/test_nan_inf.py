"""NaN is not NULL: real NaNs and infinities in the warehouse score as scikit-learn scores them.

DuckDB, PostgreSQL and Spark keep IEEE NaN and ±inf in DOUBLE columns. scikit-learn reads
NaN as a missing value (and pandas reads a NULL as NaN), so the SQL must too; ±inf is
refused by most estimators, routed by HistGradientBoosting. The frames here hold
``REAL_NAN`` where the warehouse holds a NaN (``np.nan`` is loaded as NULL), see harness.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder
from sqlglot import exp

import scorehouse
from scorehouse.compiler.literals import FLOAT32_OVERFLOW, special
from scorehouse.compiler.render import render
from scorehouse.compiler.trees import encoding
from scorehouse.errors import ScorehouseError
from tests.compiler.harness import (
    NOT_ON_SPARK,
    REAL_NAN,
    ROW_ID,
    assert_scores_match,
    check_on_engine,
    scorable,
    with_row_id,
)

DIALECTS = ("duckdb", "postgres", "spark", "databricks", "snowflake", "bigquery", "trino")


def _customers(n: int = 300, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "recency_days": rng.exponential(40.0, n),
            "orders": rng.poisson(3.0, n).astype(np.float64),
            "spend": rng.lognormal(4.0, 1.0, n),
        }
    )
    y = (X.recency_days < 35) ^ (X.orders > 4) ^ (rng.random(n) < 0.15)
    X.loc[rng.random(n) < 0.1, "recency_days"] = np.nan  # NULLs at fit: the median fills them
    return X, y.to_numpy().astype(int)


def _specials(X: pd.DataFrame, column: str, n: int = 6) -> list[pd.DataFrame]:
    """For each of NULL, NaN, +inf and -inf, ``n`` rows of ``X`` holding it in ``column``."""
    return [X.head(n).assign(**{column: value}) for value in (np.nan, REAL_NAN, np.inf, -np.inf)]


def _with_specials(X: pd.DataFrame, column: str, n: int = 6) -> pd.DataFrame:
    return pd.concat([X, *_specials(X, column, n)], ignore_index=True)


def test_harness_loads_nan_null_and_inf_apart(engine):
    """What the other tests rest on: REAL_NAN arrives as a NaN, np.nan as NULL, ±inf as is."""
    runner, dialect = engine
    frame = with_row_id(pd.DataFrame({"x": [1.5, np.nan, REAL_NAN, np.inf, -np.inf]}))
    x = exp.column("x", quoted=True)
    kind = exp.Case(
        ifs=[
            exp.If(
                this=exp.Is(this=x.copy(), expression=exp.Null()), true=exp.Literal.string("null")
            ),
            exp.If(this=exp.IsNan(this=x.copy()), true=exp.Literal.string("nan")),
            exp.If(
                this=exp.And(
                    this=exp.IsInf(this=x.copy()),
                    expression=exp.GT(this=x.copy(), expression=exp.Literal.number(0)),
                ),
                true=exp.Literal.string("+inf"),
            ),
            exp.If(this=exp.IsInf(this=x.copy()), true=exp.Literal.string("-inf")),
        ],
        default=exp.Literal.string("number"),
    )
    query = exp.select(exp.column(ROW_ID), exp.alias_(kind, "kind")).from_("src")
    out = runner(render(query, dialect), frame)
    assert out["kind"].tolist() == ["number", "null", "nan", "+inf", "-inf"]


def test_imputer_reads_nan_as_missing(engine):
    """The reported bug: NaN recency scored exactly 1.0 with label 1 where scikit-learn
    imputes the median and gives 0.41-0.71."""
    runner, dialect = engine
    X, y = _customers()
    model = make_pipeline(SimpleImputer(strategy="median"), LogisticRegression()).fit(X, y)
    rows = _with_specials(X, "recency_days")
    complete = scorable(model, rows)
    assert (~complete).sum() == 12, "the ±inf rows, which the imputer refuses"
    out = check_on_engine(runner, model, rows, dialect=dialect, complete=complete)
    nan_rows = slice(len(X) + 6, len(X) + 12)
    scores = pd.to_numeric(out["score"]).to_numpy()[nan_rows]
    assert ((scores > 0.3) & (scores < 0.8)).all(), scores


def _codes_and_walk_model() -> tuple[Any, pd.DataFrame]:
    X, y = _customers(seed=4)
    X = X.fillna(20.0)
    model = GradientBoostingClassifier(n_estimators=30, max_depth=3, random_state=0).fit(X, y)
    rows = pd.concat(
        [X, *(block for c in X.columns for block in _specials(X, c, n=3))]
        + [X.head(3).assign(spend=FLOAT32_OVERFLOW), X.head(3).assign(orders=-1e39)],
        ignore_index=True,
    )
    return model, rows


@pytest.mark.parametrize("form", ["case", "walk"])
def test_gradient_boosting_refuses_nan_and_infinity_without_failing(engine, form):
    """One NaN or inf failed the whole query (a NaN cast to BIGINT in the integer codes)."""
    runner, dialect = engine
    model, rows = _codes_and_walk_model()
    with encoding.forced(form):
        sql = scorehouse.compile_sql(model, source="src", dialect=dialect, keep=[ROW_ID])
    if form == "case":
        assert "CEIL(" in sql or "FLOOR(" in sql, "no input was coded"
    complete = scorable(model, rows)
    assert (~complete).sum() == 3 * 4 * 3 + 6  # NaN refused too: GradientBoosting takes none
    out = runner(sql, with_row_id(rows))
    assert_scores_match(model, rows, out, complete)


def _hist_model(task: str) -> tuple[Any, pd.DataFrame]:
    """Trained with NaN that tells the class: splits on missing values (threshold +inf),
    which an infinite input passes (x <= inf) and a NaN does not."""
    X, y = _customers(seed=6)
    rng = np.random.default_rng(6)
    X.loc[rng.random(len(X)) < 0.3, "spend"] = np.nan
    y = y ^ X.spend.isna().to_numpy()
    if task == "classifier":
        model = HistGradientBoostingClassifier(max_iter=8, max_depth=8, random_state=0)
        model.fit(X, y)
    else:
        model = HistGradientBoostingRegressor(max_iter=8, max_depth=8, random_state=0)
        model.fit(X, y + X.orders.to_numpy())
    if task == "classifier":
        nodes = [p.nodes for ps in model._predictors for p in ps]
        assert any(np.isinf(n["num_threshold"]).any() for n in nodes), "no split on NaN"
    rows = pd.concat(
        [X, *(block for c in X.columns for block in _specials(X, c, n=8))]
        + [X.head(4).assign(spend=FLOAT32_OVERFLOW * 2)],
        ignore_index=True,
    )
    return model, rows


@pytest.mark.parametrize("form", ["case", "walk"])
@pytest.mark.parametrize("task", ["classifier", pytest.param("regressor", marks=NOT_ON_SPARK)])
def test_hist_gradient_boosting_routes_nan_and_infinity(engine, task, form):
    runner, dialect = engine
    model, rows = _hist_model(task)
    assert scorable(model, rows).all(), "HistGradientBoosting takes NaN and ±inf"
    with encoding.forced(form):
        check_on_engine(runner, model, rows, dialect=dialect)


# ---------------------------------------------------------------------------- null_reason


def _reasons(engine, model, rows: pd.DataFrame) -> list[Any]:
    """The null_reason of each row; the scores are checked against scikit-learn too."""
    runner, dialect = engine
    sql = scorehouse.compile_sql(
        model, source="src", dialect=dialect, keep=[ROW_ID], null_reason=True
    )
    out = runner(sql, with_row_id(rows))
    reasons = [None if pd.isna(r) else r for r in out.pop("null_reason")]
    complete = scorable(model, rows)
    assert_scores_match(model, rows, out, complete)
    assert [r is None for r in reasons] == complete.tolist(), "a reason exactly where NULL"
    return reasons


@pytest.mark.parametrize("imputed", [False, True])
@NOT_ON_SPARK
def test_null_reason_names_missing_and_infinite_inputs(engine, imputed):
    X, y = _customers()
    X = X.fillna(10.0)
    model = (
        LogisticRegression()
        if not imputed
        else make_pipeline(SimpleImputer(), LogisticRegression())
    )
    model.fit(X, y)
    base = X.head(1)
    rows = pd.concat(
        [
            base,
            base.assign(recency_days=np.nan),
            base.assign(recency_days=REAL_NAN),
            base.assign(orders=np.inf),
            base.assign(spend=-np.inf),
            base.assign(recency_days=np.nan, spend=np.inf),  # the first input is named
            base.assign(spend=1e300),  # finite: scored
        ],
        ignore_index=True,
    )
    missing = None if imputed else "missing recency_days"
    infinite_spend = "infinite spend"
    expected = [None, missing, missing, "infinite orders", infinite_spend]
    expected += ["infinite spend" if imputed else missing, None]
    assert _reasons(engine, model, rows) == expected


@NOT_ON_SPARK
def test_null_reason_names_the_unknown_category(engine):
    rng = np.random.default_rng(8)
    X = pd.DataFrame({"city": rng.choice(["rome", "oslo", "lima"], 200), "x": rng.normal(size=200)})
    y = ((X.city == "rome") ^ (X.x > 0)).to_numpy().astype(int)
    ct = ColumnTransformer(
        [("city", OneHotEncoder(handle_unknown="error"), ["city"]), ("x", "passthrough", ["x"])]
    )
    model = make_pipeline(ct, LogisticRegression()).fit(X, y)
    rows = pd.DataFrame(
        {
            "city": ["rome", "tokyo", None, "lima", "tokyo"],
            "x": [0.5, 0.5, 0.5, np.inf, np.nan],
        }
    )
    assert _reasons(engine, model, rows) == [
        None,
        "unknown category in city",
        "missing city",
        "infinite x",
        "unknown category in city",
    ]


@NOT_ON_SPARK
def test_null_reason_for_an_unknown_category_encoded_as_nan(engine):
    """OrdinalEncoder(unknown_value=np.nan): the NaN is refused by the model after it."""
    rng = np.random.default_rng(9)
    X = pd.DataFrame({"plan": rng.choice([1.0, 2.0, 3.0], 200), "x": rng.normal(size=200)})
    y = ((X.plan > 1) ^ (X.x > 0)).to_numpy().astype(int)
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    ct = ColumnTransformer([("plan", encoder, ["plan"])], remainder="passthrough")
    model = make_pipeline(ct, LogisticRegression()).fit(X, y)
    rows = pd.DataFrame({"plan": [2.0, 7.0, np.nan, REAL_NAN, np.inf], "x": 0.25})
    assert _reasons(engine, model, rows) == [
        None,
        "unknown category in plan",
        "missing plan",
        "missing plan",
        "infinite plan",
    ]


@NOT_ON_SPARK
def test_null_reason_for_log1p_outside_its_domain(engine):
    rng = np.random.default_rng(10)
    X = pd.DataFrame({"x": rng.lognormal(0.0, 1.0, 100), "z": rng.uniform(0.0, 2.0, 100)})
    model = make_pipeline(FunctionTransformer(np.log1p), LinearRegression())
    model.fit(X, np.log1p(X.x) + X.z)
    rows = pd.DataFrame(
        {
            "x": [1.0, -1.0, -3.0, -np.inf, np.nan, REAL_NAN, np.inf, -0.5],
            "z": 0.5,
        }
    )
    assert _reasons(engine, model, rows) == [
        None,
        "invalid value in x",  # log1p(-1) is -inf
        "invalid value in x",  # log1p(-3) is NaN
        "invalid value in x",
        "missing x",
        "missing x",
        "infinite x",  # log1p(inf) is inf
        None,
    ]


@NOT_ON_SPARK
def test_null_reason_for_trees_beyond_float32(engine):
    X, y = _customers()
    model = GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0)
    model.fit(X.fillna(1.0), y)
    base = X.fillna(1.0).head(1)
    rows = pd.concat(
        [
            base,
            base.assign(orders=FLOAT32_OVERFLOW),
            base.assign(orders=float(np.nextafter(FLOAT32_OVERFLOW, 0.0))),
            base.assign(spend=-np.inf),
            base.assign(spend=REAL_NAN),
        ],
        ignore_index=True,
    )
    assert _reasons(engine, model, rows) == [
        None,
        "out of float32 range in orders",
        None,
        "infinite spend",
        "missing spend",
    ]


def test_without_null_reason_there_is_no_such_column():
    X, y = _customers()
    model = LogisticRegression().fit(X.fillna(1.0), y)
    assert "null_reason" not in scorehouse.compile_sql(model, source="src")
    with pytest.raises(ScorehouseError, match="null_reason"):
        scorehouse.compile_sql(model, source="src", keep=["null_reason"], null_reason=True)


# ---------------------------------------------------------------------------- dialects


def _dialect_models() -> dict[str, Any]:
    X, y = _customers()
    hist, _ = _hist_model("classifier")
    logged = make_pipeline(
        SimpleImputer(add_indicator=True), FunctionTransformer(np.log1p), LogisticRegression()
    )
    return {"log1p": logged.fit(X.abs(), y), "hist": hist}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_spells_nan_and_infinity_its_own_way(dialect):
    for name, model in _dialect_models().items():
        with encoding.forced("walk"):
            sql = scorehouse.compile_sql(model, source="src", dialect=dialect, null_reason=True)
        sqlglot.parse_one(sql, read=dialect)
        upper = sql.upper()
        if dialect in ("postgres", "snowflake"):  # no IS_NAN there; NaN = NaN is true
            assert "ISNAN" not in upper and "IS_NAN" not in upper
            assert "'NAN' AS DOUBLE" in upper
        if dialect in ("postgres", "snowflake", "spark", "databricks"):  # no IS_INF there
            assert "ISINF" not in upper and "IS_INF" not in upper
        if dialect == "trino":
            assert "IS_INF(" not in upper
            assert "IS_INFINITE(" in upper or name == "hist"  # it takes infinity
        if dialect in ("snowflake", "bigquery"):
            assert "INFINITY" not in upper  # they read 'inf'
        if name == "log1p":
            assert "INF'" in upper or "INFINITY'" in upper  # log1p(-1) = -inf


def test_special_literals_are_only_nan_and_infinities():
    assert special(float("-inf")).sql() == "CAST('-Infinity' AS DOUBLE)"
    with pytest.raises(ValueError):
        special(1.0)
