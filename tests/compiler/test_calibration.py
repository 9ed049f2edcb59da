"""CalibratedClassifierCV, scored in DuckDB and PostgreSQL, against scikit-learn itself."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
from sklearn import ensemble, linear_model, tree
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import make_column_transformer
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sqlglot import exp

import scorehouse
from scorehouse.compiler.models.calibration import isotonic, numpy_sum
from scorehouse.errors import UnsupportedEstimatorError
from tests.compiler.harness import check_on_engine, spark_subset
from tests.compiler.test_models_exact import (  # noqa: F401 (statement_timeout: autouse)
    _data as shared_data,
)
from tests.compiler.test_models_exact import (
    _with_missing,
    complete_rows,
    probe_frame,
)


@cache
def _data() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The exactness tests' features and targets, with string labels for the three classes."""
    X, binary, three, _ = shared_data()
    return X, binary, np.array(["bronze", "gold", "silver"])[three]


def _probes(model: CalibratedClassifierCV, X: pd.DataFrame) -> pd.DataFrame:
    """Training rows (whose responses are the isotonic breakpoints), split probes of every
    fold's trees, and NULLs."""
    frames = [
        probe_frame(model, X, final=_unfrozen_final(fold.estimator))
        for fold in model.calibrated_classifiers_
    ]
    return pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)


def _unfrozen_final(estimator: Any) -> Any:
    estimator = estimator.estimator if isinstance(estimator, FrozenEstimator) else estimator
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator


def _case(
    make: Callable[[], Any],
    method: str,
    *,
    target: str = "binary",
    ensemble_: bool = True,
    missing: bool = False,
) -> Callable[[], tuple[Any, pd.DataFrame]]:
    def build() -> tuple[Any, pd.DataFrame]:
        X, binary, segment = _data()
        X = _with_missing(X) if missing else X
        y = binary if target == "binary" else segment
        model = CalibratedClassifierCV(make(), method=method, cv=3, ensemble=ensemble_).fit(X, y)
        return model, _probes(model, X)

    return build


def _prefit() -> tuple[Any, pd.DataFrame]:
    """The way to calibrate a model fitted before: FrozenEstimator, then one calibration."""
    X, binary, _ = _data()
    fitted = tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X[:120], binary[:120])
    model = CalibratedClassifierCV(FrozenEstimator(fitted), method="isotonic")
    model.fit(X[120:], binary[120:])
    return model, _probes(model, X)


def _rebuilt(calibrator: IsotonicRegression, y: np.ndarray) -> None:
    calibrator.y_thresholds_ = y
    calibrator._build_f(calibrator.X_thresholds_, y)


def _all_zero_in_one_fold() -> tuple[Any, pd.DataFrame]:
    """One fold's calibrators give 0 for every class: that fold yields the uniform 1/3."""
    model, X = _case(lambda: linear_model.LogisticRegression(), "isotonic", target="segment")()
    for calibrator in model.calibrated_classifiers_[0].calibrators:
        _rebuilt(calibrator, np.zeros_like(calibrator.y_thresholds_))
    return model, X


def _just_above_one() -> tuple[Any, pd.DataFrame]:
    """Isotonic values a hair above 1 become exactly 1; 1 + 2e-5 stays as it is."""
    model, X = _case(lambda: linear_model.LogisticRegression(), "isotonic")()
    fold = model.calibrated_classifiers_[0]
    (calibrator,) = fold.calibrators
    y = calibrator.y_thresholds_.copy()
    y[-3:] = [1.0 + 4e-6, 1.0 + 2e-5, 1.0 + 4e-6]
    _rebuilt(calibrator, y)
    scored = X[np.isfinite(X.to_numpy()).all(axis=1)]  # no NaN, no infinity
    with np.errstate(over="ignore", invalid="ignore"):  # values near float32's limit
        raw = calibrator.predict(fold.estimator.decision_function(scored))
    assert ((raw > 1.0) & (raw <= 1.0 + 1e-5)).any() and (raw > 1.0 + 1e-5).any()
    return model, X


def _lr() -> Any:
    return linear_model.LogisticRegression()


def _tree() -> Any:
    return tree.DecisionTreeClassifier(max_depth=3, random_state=0)


def _forest() -> Any:
    return ensemble.RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0)


def _gbm() -> Any:
    return ensemble.GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0)


def _scaled_lr() -> Any:
    return make_pipeline(StandardScaler(), linear_model.LogisticRegression())


def _hgb() -> Any:
    return ensemble.HistGradientBoostingClassifier(max_iter=3, max_depth=3)


CASES: dict[str, Callable[[], tuple[Any, pd.DataFrame]]] = {
    "logistic_sigmoid_binary": _case(_lr, "sigmoid"),
    "logistic_isotonic_multiclass": _case(_lr, "isotonic", target="segment"),
    "logistic_sigmoid_multiclass_one_calibration": _case(
        _lr, "sigmoid", target="segment", ensemble_=False
    ),
    "tree_isotonic_binary": _case(_tree, "isotonic"),
    "tree_sigmoid_multiclass_one_calibration": _case(
        _tree, "sigmoid", target="segment", ensemble_=False
    ),
    "forest_isotonic_multiclass_trained_with_nan": _case(
        _forest, "isotonic", target="segment", missing=True
    ),
    "forest_sigmoid_binary_one_calibration": _case(_forest, "sigmoid", ensemble_=False),
    "gradient_boosting_sigmoid_binary": _case(_gbm, "sigmoid"),
    "gradient_boosting_isotonic_multiclass_one_calibration": _case(
        _gbm, "isotonic", target="segment", ensemble_=False
    ),
    "hist_gradient_boosting_isotonic_binary_with_nan": _case(_hgb, "isotonic", missing=True),
    "hist_gradient_boosting_sigmoid_multiclass_with_nan": _case(
        _hgb, "sigmoid", target="segment", missing=True
    ),
    "prefit_tree_isotonic": _prefit,
    "scaled_logistic_sigmoid_multiclass": _case(_scaled_lr, "sigmoid", target="segment"),
    "multiclass_fold_with_all_zero_probabilities": _all_zero_in_one_fold,
    "binary_probabilities_just_above_one": _just_above_one,
}


@cache
def _built(name: str) -> tuple[Any, pd.DataFrame]:
    return CASES[name]()


ON_SPARK = {
    "logistic_sigmoid_binary",
    "tree_isotonic_binary",
    "hist_gradient_boosting_sigmoid_multiclass_with_nan",
    "multiclass_fold_with_all_zero_probabilities",
    "prefit_tree_isotonic",
}


@pytest.mark.parametrize("name", spark_subset(sorted(CASES), ON_SPARK))
def test_calibrated_scores_exactly_like_sklearn(engine, name):
    runner, dialect = engine
    model, X = _built(name)
    check_on_engine(runner, model, X, dialect=dialect, complete=complete_rows(model, X))


def test_temperature_scaling_is_refused():
    X, binary, _ = _data()
    model = CalibratedClassifierCV(_lr(), method="temperature", cv=2).fit(X, binary)
    with pytest.raises(UnsupportedEstimatorError, match="method='temperature'"):
        scorehouse.compile_sql(model, source="t")


def test_unsupported_base_is_named():
    from sklearn.svm import LinearSVC

    X, binary, _ = _data()
    model = CalibratedClassifierCV(LinearSVC(), cv=2).fit(X, binary)
    with pytest.raises(UnsupportedEstimatorError, match="LinearSVC"):
        scorehouse.compile_sql(model, source="t")


# ----------------------------------------------------------------------- the pieces alone


def _evaluate(expression: exp.Expression, frame: pd.DataFrame) -> np.ndarray:
    sql = exp.select(exp.alias_(expression, "v")).from_("frame").sql(dialect="duckdb")
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        return con.execute(sql).df()["v"].to_numpy(dtype=np.float64)
    finally:
        con.close()


@pytest.mark.parametrize("n_terms", [3, 7, 8, 9, 17, 31, 130])
def test_numpy_sum_adds_in_numpys_order(n_terms):
    rng = np.random.default_rng(n_terms)
    values = rng.random((500, n_terms)) * rng.choice([1.0, 1e-9, 1e9], size=(500, n_terms))
    frame = pd.DataFrame(values, columns=[f"t{k}" for k in range(n_terms)])
    total = numpy_sum([exp.column(c) for c in frame.columns])
    got = _evaluate(total, frame)
    assert np.array_equal(got, np.sum(values, axis=1))  # bit for bit, not approximately


def test_isotonic_is_a_balanced_exact_interpolation():
    rng = np.random.default_rng(3)
    f = rng.normal(size=2000)
    y = np.tanh(f) + rng.normal(scale=0.05, size=2000)
    calibrator = IsotonicRegression(out_of_bounds="clip").fit(f, y)
    xs = calibrator.X_thresholds_
    assert len(xs) > 100
    probes = np.concatenate(
        [
            xs,
            np.nextafter(xs, -np.inf),
            np.nextafter(xs, np.inf),
            rng.normal(size=500) * 3,
            [xs[0] - 10, xs[-1] + 10],
        ]
    )
    expression = isotonic(calibrator, exp.column("f"))
    got = _evaluate(expression, pd.DataFrame({"f": np.append(probes, np.nan)}))
    np.testing.assert_array_equal(got[:-1], calibrator.predict(probes))
    assert np.isnan(got[-1])
    depth = max(_case_depth(node) for node in expression.find_all(exp.Case))
    assert depth <= np.ceil(np.log2(len(xs))) + 2, "the CASE is not balanced"
    sqlglot.parse_one(expression.sql(dialect="postgres"), read="postgres")


def _case_depth(node: exp.Expression | None) -> int:
    depth = 0
    while node is not None:
        depth += isinstance(node, exp.Case)
        node = node.parent
    return depth


def test_rows_a_step_refuses_score_null(engine):
    """An unseen category before calibration (or inside each fold's pipeline) gives NULL."""
    runner, dialect = engine
    X = _data()[0].assign(
        channel=np.array(["email", "sms", "push"])[np.arange(len(_data()[0])) % 3]
    )
    y = _data()[1] ^ (X.channel == "sms").to_numpy()
    encoder = make_column_transformer(
        (OneHotEncoder(handle_unknown="error"), ["channel"]), remainder="passthrough"
    )
    rows = pd.concat([X, X.head(2).assign(channel=["tv", "email"])], ignore_index=True)
    complete = np.r_[np.ones(len(X), dtype=bool), [False, True]]
    for model in (
        make_pipeline(encoder, CalibratedClassifierCV(_tree(), method="isotonic", cv=2)),
        CalibratedClassifierCV(make_pipeline(encoder, _tree()), method="sigmoid", cv=2),
    ):
        model.fit(X, y)
        check_on_engine(runner, model, rows, dialect=dialect, complete=complete)
