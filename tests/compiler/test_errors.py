"""What the compiler refuses, and that each refusal names what it refuses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeRegressor

import scorehouse
from scorehouse.errors import MissingColumnError, ScorehouseError, UnsupportedEstimatorError


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    return X, (X.a + X.b > 0).to_numpy().astype(int)


def _compile(model, **kwargs) -> str:
    return scorehouse.compile_sql(model, source="features", **kwargs)


@pytest.mark.parametrize("model", [SVC(), KNeighborsClassifier(n_neighbors=3)], ids=type)
def test_unsupported_estimator_is_named_with_the_supported_ones(data, model):
    model.fit(*data)
    with pytest.raises(UnsupportedEstimatorError) as caught:
        _compile(model)
    message = str(caught.value)
    assert type(model).__name__ in message
    for supported in ("LogisticRegression", "GradientBoostingClassifier", "Pipeline"):
        assert supported in message
    assert isinstance(caught.value, NotImplementedError)  # the convention orbital follows


def test_unsupported_step_inside_a_pipeline_is_named(data):
    with pytest.raises(UnsupportedEstimatorError, match="cannot compile PCA"):
        _compile(make_pipeline(PCA(n_components=2), LogisticRegression()).fit(*data))
    with pytest.raises(UnsupportedEstimatorError, match="cannot compile SVC"):
        _compile(make_pipeline("passthrough", SVC()).fit(*data), features=["a", "b", "c"])


def test_sgd_classifier_without_log_loss(data):
    with pytest.raises(UnsupportedEstimatorError, match="loss='hinge'"):
        _compile(SGDClassifier(loss="hinge", random_state=0).fit(*data))


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (GradientBoostingRegressor(n_estimators=2, init=LinearRegression()), "LinearRegression"),
        (
            GradientBoostingClassifier(n_estimators=2, init=LogisticRegression()),
            "LogisticRegression",
        ),
        (
            GradientBoostingClassifier(n_estimators=2, init=DummyClassifier(strategy="stratified")),
            "stratified",
        ),
    ],
    ids=["regressor-linear-init", "classifier-logistic-init", "classifier-random-init"],
)
def test_gradient_boosting_with_a_custom_init(data, model, name):
    X, y = data
    model.fit(X, y)
    with pytest.raises(UnsupportedEstimatorError, match=name):
        _compile(model)


def test_several_targets(data):
    X, y = data
    model = DecisionTreeRegressor(max_depth=2).fit(X, np.column_stack([y, y]))
    with pytest.raises(UnsupportedEstimatorError, match="several outputs"):
        _compile(model)


def test_model_fitted_without_names_needs_features(data):
    X, y = data
    model = LogisticRegression().fit(X.to_numpy(), y)
    with pytest.raises(
        MissingColumnError, match=r"without column names: pass features= with its 3"
    ):
        _compile(model)
    with pytest.raises(MissingColumnError, match="takes 3 input columns, but 2 feature names"):
        _compile(model, features=["a", "b"])
    assert '"c"' in _compile(model, features=["a", "b", "c"])


def test_features_that_lack_a_fitted_column_name_it(data):
    model = LogisticRegression().fit(*data)
    with pytest.raises(MissingColumnError, match="needs column"):
        _compile(model, features=["a", "b"])
    assert str(MissingColumnError("x")) == "x"  # not KeyError's quoted form


def test_unfitted_estimator(data):
    with pytest.raises(ScorehouseError, match="LogisticRegression is not fitted"):
        _compile(LogisticRegression())
    with pytest.raises(ScorehouseError, match="Pipeline is not fitted"):
        _compile(make_pipeline(LogisticRegression()))


def test_not_an_estimator():
    with pytest.raises(ScorehouseError, match="not a scikit-learn estimator"):
        _compile({"coef": [1.0, 2.0]})


def test_unknown_dialect(data):
    model = LogisticRegression().fit(*data)
    with pytest.raises(ScorehouseError, match=r"unknown SQL dialect 'oracle9'.*duckdb, postgres"):
        _compile(model, dialect="oracle9")


def test_source_that_is_not_a_table_name(data):
    model = LogisticRegression().fit(*data)
    with pytest.raises(ScorehouseError, match="not a table or view name"):
        scorehouse.compile_sql(model, source="select 1 from", dialect="duckdb")
