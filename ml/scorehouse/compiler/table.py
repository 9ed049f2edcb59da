"""Which translator compiles which scikit-learn class."""

from __future__ import annotations

from sklearn import ensemble, linear_model, tree

from scorehouse.compiler.models import linear
from scorehouse.compiler.trees import ensembles


def transformer_table() -> dict[type, object]:
    from sklearn.pipeline import Pipeline

    from scorehouse.compiler.pipeline import translate_pipeline_transformer

    return {Pipeline: translate_pipeline_transformer}


def model_table() -> dict[type, object]:
    return {
        linear_model.LogisticRegression: linear.logistic_regression,
        linear_model.SGDClassifier: linear.sgd_classifier,
        linear_model.LinearRegression: linear.regressor,
        linear_model.Ridge: linear.regressor,
        linear_model.Lasso: linear.regressor,
        linear_model.ElasticNet: linear.regressor,
        tree.DecisionTreeClassifier: ensembles.decision_tree_classifier,
        tree.DecisionTreeRegressor: ensembles.decision_tree_regressor,
        ensemble.RandomForestClassifier: ensembles.forest_classifier,
        ensemble.ExtraTreesClassifier: ensembles.forest_classifier,
        ensemble.RandomForestRegressor: ensembles.forest_regressor,
        ensemble.ExtraTreesRegressor: ensembles.forest_regressor,
        ensemble.GradientBoostingClassifier: ensembles.gradient_boosting_classifier,
        ensemble.GradientBoostingRegressor: ensembles.gradient_boosting_regressor,
        ensemble.HistGradientBoostingClassifier: ensembles.hist_gradient_boosting_classifier,
        ensemble.HistGradientBoostingRegressor: ensembles.hist_gradient_boosting_regressor,
    }
