"""Uplift models as scikit-learn estimators: ``fit(X, y, treatment)``, ``predict(X)``.

``predict`` returns the uplift, P(y = 1 | treated, x) - P(y = 1 | control, x), for a binary
outcome ``y`` and a binary ``treatment`` (1 = treated), from a randomised campaign.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted


def _binary(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values).ravel()
    if array.dtype == bool:
        return array.astype(np.int64)
    unique = set(np.unique(array).tolist())
    if not unique <= {0, 1}:
        raise ValueError(f"{name} must be binary (0/1 or bool), got values {sorted(unique)[:5]}")
    return array.astype(np.int64)


def _positive_proba(estimator: Any, X: Any) -> np.ndarray:
    """P(class 1): the column of ``predict_proba`` for class 1."""
    classes = list(estimator.classes_)
    if classes != [0, 1]:
        raise ValueError(f"the classifier learned classes {classes}; an uplift model needs 0 and 1")
    return estimator.predict_proba(X)[:, 1]


def _check_arms(y: np.ndarray, treatment: np.ndarray) -> None:
    if len(y) != len(treatment):
        raise ValueError(f"y has {len(y)} rows but treatment has {len(treatment)}")
    for arm, name in ((1, "treatment"), (0, "control")):
        outcomes = set(np.unique(y[treatment == arm]).tolist())
        if outcomes != {0, 1}:
            raise ValueError(
                f"the {name} group needs both outcomes (0 and 1) to learn from, "
                f"got {sorted(outcomes)}"
            )


class _UpliftBase(BaseEstimator):
    def _set_names(self, fitted: Any, X: Any) -> None:
        names = getattr(fitted, "feature_names_in_", None)
        if names is None and hasattr(X, "columns"):
            names = np.asarray([str(c) for c in X.columns], dtype=object)
        if names is not None:
            self.feature_names_in_ = names
        self.n_features_in_ = getattr(fitted, "n_features_in_", np.shape(X)[1])


class TwoModelUplift(_UpliftBase):
    """T-learner: one classifier on the treated, one on the control group.

    uplift(x) = P_treatment(y = 1 | x) - P_control(y = 1 | x). ``estimator`` is any
    classifier or pipeline; ``estimator_treatment`` (optional) uses another one for the
    treated. Both are cloned, the originals are never fitted.
    """

    def __init__(self, estimator: Any, estimator_treatment: Any = None) -> None:
        self.estimator = estimator
        self.estimator_treatment = estimator_treatment

    def fit(self, X: Any, y: Any, treatment: Any) -> TwoModelUplift:
        y_, t_ = _binary(y, "y"), _binary(treatment, "treatment")
        _check_arms(y_, t_)
        treated, control = t_ == 1, t_ == 0
        base_t = self.estimator if self.estimator_treatment is None else self.estimator_treatment
        self.estimator_treatment_ = clone(base_t).fit(_rows(X, treated), y_[treated])
        self.estimator_control_ = clone(self.estimator).fit(_rows(X, control), y_[control])
        self._set_names(self.estimator_control_, X)
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_control_")
        return _positive_proba(self.estimator_treatment_, X) - _positive_proba(
            self.estimator_control_, X
        )


class ClassTransformationUplift(_UpliftBase):
    """Class transformation (Jaskowski & Jaroszewicz, 2012): one classifier on
    z = y·t + (1 - y)(1 - t), "a treated buyer or a control non-buyer".

    With a 50/50 randomised split, P(z = 1 | x) = (P_t(y|x) + 1 - P_c(y|x)) / 2, so
    uplift(x) = 2·P(z = 1 | x) - 1. With another split that identity fails; ``reweight=True``
    (the default) weights each group so that treated and control carry equal total weight
    (treated rows by n / (2·n_t), control rows by n / (2·n_c)), which restores it. With
    ``reweight=False`` a split further than ``tolerance`` from 50/50 is refused.
    """

    def __init__(self, estimator: Any, reweight: bool = True, tolerance: float = 0.02) -> None:
        self.estimator = estimator
        self.reweight = reweight
        self.tolerance = tolerance

    def fit(self, X: Any, y: Any, treatment: Any) -> ClassTransformationUplift:
        y_, t_ = _binary(y, "y"), _binary(treatment, "treatment")
        _check_arms(y_, t_)
        self.treatment_share_ = float(t_.mean())
        z = y_ * t_ + (1 - y_) * (1 - t_)
        params: dict[str, np.ndarray] = {}
        if self.reweight:
            n, n_t = len(t_), int(t_.sum())
            weights = np.where(t_ == 1, n / (2.0 * n_t), n / (2.0 * (n - n_t)))
            params[_weight_param(self.estimator)] = weights
        elif abs(self.treatment_share_ - 0.5) > self.tolerance:
            raise ValueError(
                f"class transformation needs a 50/50 split, but {self.treatment_share_:.1%} of "
                "rows are treated: use reweight=True, or a TwoModelUplift"
            )
        self.estimator_ = clone(self.estimator).fit(X, z, **params)
        self._set_names(self.estimator_, X)
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        return 2.0 * _positive_proba(self.estimator_, X) - 1.0


def _weight_param(estimator: Any) -> str:
    """The fit parameter that carries sample weights: a pipeline routes them to its last step."""
    if isinstance(estimator, Pipeline):
        return f"{estimator.steps[-1][0]}__sample_weight"
    return "sample_weight"


def _rows(X: Any, mask: np.ndarray) -> Any:
    """The rows of ``mask``, from a DataFrame (keeping its column names) or an array."""
    return X.loc[mask] if hasattr(X, "loc") else np.asarray(X)[mask]
