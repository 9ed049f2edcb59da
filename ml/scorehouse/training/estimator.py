"""Build the scikit-learn pipeline a spec declares, and check it can be compiled to SQL."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from scorehouse.compiler.registry import MODELS, TRANSFORMERS, supported_names
from scorehouse.estimators import ClassTransformationUplift, TwoModelUplift
from scorehouse.spec import Spec, SpecError, Step

_BY_NAME = {cls.__name__: cls for cls in (*TRANSFORMERS, *MODELS)}
# Functions a spec may name for FunctionTransformer(func=...): those the compiler translates.
_FUNCTIONS = {"log1p": np.log1p}
_COMPOSITE = {"Pipeline", "ColumnTransformer"}


def _make(step: Step, where: str) -> BaseEstimator:
    cls = _BY_NAME.get(step.cls)
    if cls is None:
        raise SpecError(
            f"{where}: {step.cls!r} cannot be compiled to SQL; use one of "
            f"{', '.join(supported_names())}"
        )
    params = dict(step.params)
    if step.cls == "FunctionTransformer" and isinstance(params.get("func"), str):
        if params["func"] not in _FUNCTIONS:
            raise SpecError(
                f"{where}: func {params['func']!r} is not one of {', '.join(_FUNCTIONS)}"
            )
        params["func"] = _FUNCTIONS[params["func"]]
    try:
        estimator = cls(**params)
        # scikit-learn checks parameter values only in fit: check them before reading data.
        if hasattr(estimator, "_validate_params"):
            estimator._validate_params()
    except (TypeError, ValueError) as error:
        raise SpecError(f"{where}: bad params for {step.cls}: {error}") from error
    return estimator


def default_categorical_steps() -> list[BaseEstimator]:
    """One-hot columns; a missing or unseen category scores as all zeros.

    (An imputer for strings first would be neater, but skl2onnx cannot export one whose
    missing value is NaN.)
    """
    return [OneHotEncoder(handle_unknown="ignore")]


def build_estimator(spec: Spec) -> BaseEstimator:
    """The unfitted pipeline: per-type preprocessing of the features, then the model."""
    where = f"{spec.path}: model {spec.name!r}: estimator"
    if spec.estimator.entry_point:
        estimator = _from_entry_point(spec, where)
    else:
        assert spec.estimator.model is not None
        branches: list[tuple[str, Any, list[str]]] = []
        if spec.data.numeric:
            steps = [_make(s, f"{where}.preprocess.numeric") for s in spec.estimator.numeric_steps]
            branches.append(("numeric", _chain(steps), list(spec.data.numeric)))
        if spec.data.categorical:
            steps = [
                _make(s, f"{where}.preprocess.categorical")
                for s in spec.estimator.categorical_steps
            ]
            branches.append(
                (
                    "categorical",
                    _chain(steps or default_categorical_steps()),
                    list(spec.data.categorical),
                )
            )
        preprocess = ColumnTransformer(branches, remainder="drop")
        estimator = Pipeline(
            [("preprocess", preprocess), ("model", _make(spec.estimator.model, f"{where}.model"))]
        )
    check_compilable(estimator, where)
    if spec.task == "uplift":
        if spec.estimator.uplift == "class_transformation":
            return ClassTransformationUplift(estimator)
        return TwoModelUplift(estimator)
    return estimator


def _chain(steps: list[BaseEstimator]) -> Any:
    if not steps:
        return "passthrough"
    return (
        steps[0] if len(steps) == 1 else Pipeline([(f"step_{i}", s) for i, s in enumerate(steps)])
    )


def _from_entry_point(spec: Spec, where: str) -> BaseEstimator:
    module_name, _, function_name = (spec.estimator.entry_point or "").partition(":")
    if not module_name or not function_name:
        raise SpecError(f"{where}.entry_point: expected 'package.module:function'")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        raise SpecError(
            f"{where}.entry_point: cannot load {spec.estimator.entry_point!r}: {error}"
        ) from error
    estimator = function(spec)
    if not isinstance(estimator, BaseEstimator):
        raise SpecError(
            f"{where}.entry_point: {spec.estimator.entry_point} returned "
            f"{type(estimator).__name__}, not an estimator"
        )
    return estimator


def check_compilable(estimator: Any, where: str) -> None:
    """Refuse, before any fitting, a pipeline holding a step the compiler cannot translate."""
    pending = [estimator]
    while pending:
        item = pending.pop()
        if item is None or isinstance(item, str):
            continue
        name = type(item).__name__
        if name not in _BY_NAME and name not in _COMPOSITE:
            raise SpecError(
                f"{where}: {name} cannot be compiled to SQL; use one of "
                f"{', '.join(supported_names())}"
            )
        if isinstance(item, Pipeline):
            pending += [step for _, step in item.steps]
        elif isinstance(item, ColumnTransformer):
            pending += [t for _, t, _ in item.transformers]
            if not isinstance(item.remainder, str):
                pending.append(item.remainder)
