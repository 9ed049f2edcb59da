"""Uplift models compiled to one ``uplift`` column, scored in DuckDB and PostgreSQL,
against ``predict`` to 1e-12."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import ensemble, linear_model
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import scorehouse
from scorehouse.errors import UnsupportedEstimatorError
from scorehouse.estimators import ClassTransformationUplift, TwoModelUplift
from tests.compiler.harness import ABS_TOL, ROW_ID, _float, scorable, with_row_id
from tests.compiler.test_models_exact import _data as shared_data
from tests.compiler.test_models_exact import _with_missing, probe_frame


@cache
def _data() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The exactness tests' features and binary target, and a random 50/50 treatment."""
    X, binary, _, _ = shared_data()
    treatment = np.random.default_rng(5).random(len(X)) < 0.5
    return X, binary, treatment.astype(int)


def _inner(model: Any) -> list[Any]:
    fitted = (
        [model.estimator_treatment_, model.estimator_control_]
        if isinstance(model, TwoModelUplift)
        else [model.estimator_]
    )
    return [m.steps[-1][1] if isinstance(m, Pipeline) else m for m in fitted]


def _probes(model: Any, X: pd.DataFrame) -> pd.DataFrame:
    """Training rows, split probes of every inner model's trees, and NULLs."""
    frames = [probe_frame(model, X, final=inner) for inner in _inner(model)]
    return pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)


def _lr() -> Any:
    return make_pipeline(StandardScaler(), linear_model.LogisticRegression())


def _gbm() -> Any:
    return ensemble.GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0)


def _hgb() -> Any:
    return ensemble.HistGradientBoostingClassifier(max_iter=5, max_depth=3)


def _imputed_forest() -> Any:
    return make_pipeline(
        SimpleImputer(strategy="median"),
        ensemble.RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
    )


def _case(make: Callable[[], Any], missing: bool = False) -> Callable[[], tuple[Any, pd.DataFrame]]:
    def build() -> tuple[Any, pd.DataFrame]:
        X, y, t = _data()
        X = _with_missing(X) if missing else X
        model = make().fit(X, y, t)
        return model, _probes(model, X)

    return build


CASES: dict[str, Callable[[], tuple[Any, pd.DataFrame]]] = {
    "two_model_scaled_logistic": _case(lambda: TwoModelUplift(_lr())),
    "two_model_gradient_boosting": _case(lambda: TwoModelUplift(_gbm())),
    "two_model_hist_gradient_boosting_with_nan": _case(lambda: TwoModelUplift(_hgb()), True),
    "two_model_logistic_treated_boosting_control": _case(
        lambda: TwoModelUplift(_gbm(), estimator_treatment=_lr())
    ),
    "two_model_imputed_forest_with_nan": _case(lambda: TwoModelUplift(_imputed_forest()), True),
    "class_transformation_scaled_logistic": _case(lambda: ClassTransformationUplift(_lr())),
    "class_transformation_gradient_boosting": _case(lambda: ClassTransformationUplift(_gbm())),
    "class_transformation_hist_gradient_boosting_with_nan": _case(
        lambda: ClassTransformationUplift(_hgb()), True
    ),
}


@cache
def _built(name: str) -> tuple[Any, pd.DataFrame]:
    return CASES[name]()


def _complete(model: Any, X: pd.DataFrame) -> np.ndarray:
    """Rows every inner model can score (a plain logistic regression refuses NaN and ±inf)."""
    return scorable(model, X)


@pytest.mark.parametrize("name", sorted(CASES))
def test_uplift_scores_exactly_like_predict(engine, name):
    runner, dialect = engine
    model, X = _built(name)
    sql = scorehouse.compile_sql(model, source="src", dialect=dialect, keep=[ROW_ID])
    out = runner(sql, with_row_id(X))
    assert list(out.columns) == [ROW_ID, "uplift"]
    assert len(out) == len(X)
    rows = _complete(model, X)
    assert out.loc[~rows, "uplift"].isna().all()
    got = _float(out.loc[rows, "uplift"])
    with np.errstate(over="ignore", invalid="ignore"):  # values near float32's limit
        expected = model.predict(X[rows])
    assert not np.isnan(got).any()
    np.testing.assert_allclose(got, expected, rtol=0, atol=ABS_TOL)
    assert np.ptp(expected) > 0.05, "a constant uplift would prove little"


def test_lr_with_missing_values_scores_null_where_predict_refuses(engine):
    runner, dialect = engine
    X, y, t = _data()
    model = TwoModelUplift(linear_model.LogisticRegression()).fit(X, y, t)
    rows = pd.concat([X.head(20), _with_missing(X).head(40)], ignore_index=True)
    out = runner(
        scorehouse.compile_sql(model, source="src", dialect=dialect, keep=[ROW_ID]),
        with_row_id(rows),
    )
    complete = _complete(model, rows)
    assert (~complete).any()
    assert out.loc[~complete, "uplift"].isna().all()
    np.testing.assert_allclose(
        _float(out.loc[complete, "uplift"]), model.predict(rows[complete]), rtol=0, atol=ABS_TOL
    )


def test_a_multiclass_inner_model_is_refused():
    X, y, t = _data()
    model = TwoModelUplift(linear_model.LogisticRegression()).fit(X, y, t)
    model.estimator_control_ = linear_model.LogisticRegression().fit(X, y + (X.a > 1))
    with pytest.raises(UnsupportedEstimatorError, match="expected 0 and 1"):
        scorehouse.compile_sql(model, source="src")
