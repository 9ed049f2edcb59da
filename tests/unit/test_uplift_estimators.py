"""The uplift estimators behave like scikit-learn estimators and recover a known uplift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from scorehouse.uplift.estimators import ClassTransformationUplift, TwoModelUplift


def _campaign(n: int = 20_000, share: float = 0.5, seed: int = 0):
    """y ~ Bernoulli(expit(base + t·effect(x))): the true uplift is known per row."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    t = (rng.random(n) < share).astype(int)
    base, effect = -0.5 + 0.8 * X.a, 1.2 * X.b

    def p(z):
        return 1 / (1 + np.exp(-z))

    truth = (p(base + effect) - p(base)).to_numpy()
    y = (rng.random(n) < p(base + t * effect)).astype(int)
    return X, y, t, truth


def _lr():
    return make_pipeline(StandardScaler(), LogisticRegression())


@pytest.mark.parametrize(
    "make", [lambda: TwoModelUplift(_lr()), lambda: ClassTransformationUplift(_lr())]
)
def test_estimator_conventions(make):
    X, y, t, _ = _campaign(2000)
    model = make()
    params = model.get_params(deep=False)
    assert clone(model).get_params(deep=False).keys() == params.keys()
    assert not [k for k in vars(model) if k.endswith("_")], "nothing learned before fit"
    assert model.fit(X, y, t) is model
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.n_features_in_ == 2
    uplift = model.predict(X)
    assert uplift.shape == (2000,) and np.all(np.abs(uplift) <= 1)


def test_two_model_is_the_difference_of_its_clones():
    X, y, t, _ = _campaign(3000)
    base = _lr()
    model = TwoModelUplift(base).fit(X, y, t)
    assert model.estimator_treatment_ is not base and model.estimator_control_ is not base
    assert not hasattr(base, "classes_"), "the given estimator is never fitted"
    expected = (
        model.estimator_treatment_.predict_proba(X)[:, 1]
        - model.estimator_control_.predict_proba(X)[:, 1]
    )
    np.testing.assert_array_equal(model.predict(X), expected)


@pytest.mark.parametrize("share", [0.5, 0.8])
def test_both_recover_the_true_uplift(share):
    X, y, t, truth = _campaign(share=share)
    for model in (TwoModelUplift(_lr()), ClassTransformationUplift(_lr())):
        got = model.fit(X, y, t).predict(X)
        assert np.corrcoef(got, truth)[0, 1] > 0.9, type(model).__name__
        assert abs(got.mean() - truth.mean()) < 0.03, type(model).__name__


def test_class_transformation_without_reweighting_refuses_an_unbalanced_split():
    X, y, t, _ = _campaign(3000, share=0.8)
    with pytest.raises(ValueError, match="50/50 split"):
        ClassTransformationUplift(_lr(), reweight=False).fit(X, y, t)
    X, y, t, _ = _campaign(3000, share=0.5)
    ClassTransformationUplift(_lr(), reweight=False).fit(X, y, t)


def test_unweighted_transformation_is_biased_off_a_50_50_split():
    """Why the weights are there: without them an 80/20 split shifts the uplift."""
    X, y, t, truth = _campaign(share=0.8)
    weighted = ClassTransformationUplift(_lr()).fit(X, y, t).predict(X)
    plain = ClassTransformationUplift(_lr(), reweight=False, tolerance=1.0).fit(X, y, t).predict(X)
    assert abs(weighted.mean() - truth.mean()) < abs(plain.mean() - truth.mean())


def test_bad_inputs_are_named():
    X, y, t, _ = _campaign(500)
    with pytest.raises(ValueError, match="treatment must be binary"):
        TwoModelUplift(_lr()).fit(X, y, t * 2)
    with pytest.raises(ValueError, match="control group needs both outcomes"):
        TwoModelUplift(_lr()).fit(X, np.where(t == 1, y, 0), t)
    with pytest.raises(ValueError, match="rows but treatment"):
        TwoModelUplift(_lr()).fit(X, y, t[:-1])
