"""Single trees, forests and boosted ensembles, added up in scikit-learn's own order."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlglot import exp

from scorehouse.compiler import heads, literals
from scorehouse.compiler.columns import Column, div
from scorehouse.compiler.context import Context, Prediction
from scorehouse.compiler.trees import encoding
from scorehouse.compiler.trees.flat import FlatTree, from_hist_predictor, from_sklearn_tree
from scorehouse.errors import UnsupportedEstimatorError


def _class_fractions(tree: Any) -> np.ndarray:
    """Leaf values as DecisionTreeClassifier.predict_proba yields them."""
    value = np.asarray(tree.tree_.value, dtype=np.float64)[:, 0, :]
    normalizer = value.sum(axis=1, keepdims=True)
    normalizer[normalizer == 0.0] = 1.0
    return value / normalizer


def _single_output(model: Any) -> None:
    if getattr(model, "n_outputs_", 1) != 1:
        raise UnsupportedEstimatorError(
            f"{type(model).__name__} with several outputs: scorehouse compiles one target"
        )


def _tree_terms(
    ctx: Context, trees: list[FlatTree], inputs: list[Column], n_outputs: int
) -> list[list[Column]]:
    """terms[k][t]: output k of tree t, for each row."""
    values = encoding.leaf_values(ctx.query, trees, inputs)
    return [
        [Column(f"tree_{t}_{k}", values[t][k], numeric=True) for t in range(len(trees))]
        for k in range(n_outputs)
    ]


def _mean_of_trees(
    ctx: Context, trees: list[FlatTree], inputs: list[Column], n_outputs: int
) -> list[Column]:
    """Σ over trees in order, then ÷ n: a forest's predict_proba / predict."""
    sums = ctx.query.sum_in_order(_tree_terms(ctx, trees, inputs, n_outputs), "forest")
    n = literals.double(float(len(trees)))
    return [Column(f"mean_{k}", div(s.expr, n.copy()), numeric=True) for k, s in enumerate(sums)]


def decision_tree_classifier(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    _single_output(model)
    tree = from_sklearn_tree(model.tree_, _class_fractions(model))
    proba = _tree_terms(ctx, [tree], inputs, len(model.classes_))
    return heads.class_probabilities([terms[0] for terms in proba], model.classes_)


def decision_tree_regressor(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    _single_output(model)
    tree = from_sklearn_tree(model.tree_, np.asarray(model.tree_.value)[:, 0, 0])
    return heads.regression(_tree_terms(ctx, [tree], inputs, 1)[0][0])


def forest_classifier(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    _single_output(model)
    trees = [from_sklearn_tree(e.tree_, _class_fractions(e)) for e in model.estimators_]
    return heads.class_probabilities(
        _mean_of_trees(ctx, trees, inputs, len(model.classes_)), model.classes_
    )


def forest_regressor(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    _single_output(model)
    trees = [
        from_sklearn_tree(e.tree_, np.asarray(e.tree_.value)[:, 0, 0]) for e in model.estimators_
    ]
    return heads.regression(_mean_of_trees(ctx, trees, inputs, 1)[0])


def _boosted_raw(ctx: Context, model: Any, inputs: list[Column]) -> list[Column]:
    """init + Σ learning_rate·leaf per class, in stage order, as predict_stages adds them."""
    init = getattr(model, "init_", None)
    if init != "zero" and type(init).__name__ not in ("DummyClassifier", "DummyRegressor"):
        raise UnsupportedEstimatorError(
            f"{type(model).__name__} with init={type(init).__name__}: scorehouse compiles the "
            "default (prior) or 'zero' init"
        )
    if getattr(init, "strategy", None) == "stratified":
        # its predict_proba draws a random class per row: no constant baseline to compile
        raise UnsupportedEstimatorError(
            f"{type(model).__name__} with init=DummyClassifier(strategy='stratified'): "
            "scorehouse compiles inits that are the same for every row"
        )
    n_features = model.n_features_in_
    baseline = np.asarray(model._raw_predict_init(np.zeros((1, n_features), dtype=np.float32)))[0]
    stages = model.estimators_
    n_stages, k_outputs = stages.shape
    trees = []
    for t in range(n_stages):
        for k in range(k_outputs):
            tree = stages[t, k].tree_
            # predict_stages adds learning_rate * value: the same product, the same double
            scaled = model.learning_rate * np.asarray(tree.value, dtype=np.float64)[:, 0, 0]
            trees.append(from_sklearn_tree(tree, scaled))
    values = encoding.leaf_values(ctx.query, trees, inputs)
    return _stagewise_sum(ctx, baseline, values, k_outputs, n_stages)


def gradient_boosting_classifier(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    raw = _boosted_raw(ctx, model, inputs)
    if len(model.classes_) == 2:
        # GradientBoostingClassifier.predict: raw >= 0 is the positive class
        return heads.binary_decision(raw[0], model.classes_, strict=False)
    return heads.multiclass_decision(raw, model.classes_)


def gradient_boosting_regressor(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    return heads.regression(_boosted_raw(ctx, model, inputs)[0])


def _hist_raw(ctx: Context, model: Any, inputs: list[Column]) -> list[Column]:
    """baseline + Σ leaf values per class, as _raw_predict adds them."""
    if model._preprocessor is not None:
        encoded = ctx.translate_transformer(model._preprocessor, inputs)
        inputs = ctx.stage(encoded, "categories")  # with the rows its encoder refuses
    known_bitsets, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
    baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
    k_outputs = model.n_trees_per_iteration_
    trees = [
        from_hist_predictor(predictors[k], known_bitsets, f_idx_map)
        for predictors in model._predictors
        for k in range(k_outputs)
    ]
    values = encoding.leaf_values(ctx.query, trees, inputs)
    return _stagewise_sum(ctx, baseline, values, k_outputs, len(model._predictors))


def _stagewise_sum(
    ctx: Context, baseline: np.ndarray, values: list, k_outputs: int, n_stages: int
) -> list[Column]:
    """Per output k: baseline[k] + the tree values of every stage in order, added left to
    right as both boosting families add them (trees are laid out stage-major)."""
    totals = []
    for k in range(k_outputs):
        terms = [Column("baseline", literals.double(float(baseline[k])), numeric=True)]
        terms += [
            Column(f"tree_{t}", values[t * k_outputs + k][0], numeric=True) for t in range(n_stages)
        ]
        totals.append(terms)
    return ctx.query.sum_in_order(totals, "boost")


def hist_gradient_boosting_classifier(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    raw = _hist_raw(ctx, model, inputs)
    if len(model.classes_) == 2:
        return heads.binary_decision(raw[0], model.classes_, strict=True)
    return heads.multiclass_decision(raw, model.classes_)


def hist_gradient_boosting_regressor(model: Any, inputs: list[Column], ctx: Context) -> Prediction:
    raw = _hist_raw(ctx, model, inputs)[0]
    link = type(model._loss.link).__name__
    if link == "IdentityLink":
        return heads.regression(raw)
    if link == "LogLink":
        return heads.regression(Column("prediction", exp.Exp(this=raw.expr), numeric=True))
    raise UnsupportedEstimatorError(
        f"HistGradientBoostingRegressor(loss={model.loss!r}) has link {link}; "
        "scorehouse compiles identity and log links"
    )


def _encodes_categories(model: Any) -> bool:
    return model._preprocessor is not None


for _translator in (hist_gradient_boosting_classifier, hist_gradient_boosting_regressor):
    # It encodes its own categorical inputs, so then it takes them as they are.
    _translator.raw_inputs = _encodes_categories  # type: ignore[attr-defined]
    # It compares float64 inputs with its thresholds: ±inf is routed like any large value.
    _translator.finite_inputs = None  # type: ignore[attr-defined]

# The others cast their input to float32 and refuse a row where that is infinite.
for _translator in (
    decision_tree_classifier,
    decision_tree_regressor,
    forest_classifier,
    forest_regressor,
    gradient_boosting_classifier,
    gradient_boosting_regressor,
):
    _translator.finite_inputs = "float32"  # type: ignore[attr-defined]
