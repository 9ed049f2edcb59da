"""Which translator compiles which scikit-learn class."""

from __future__ import annotations

from sklearn import calibration as sk_calibration
from sklearn import ensemble, linear_model, tree

from scorehouse import estimators as uplift_estimators
from scorehouse.compiler.models import calibration, linear, uplift
from scorehouse.compiler.trees import ensembles


def transformer_table() -> dict[type, object]:
    from sklearn import compose, impute, preprocessing
    from sklearn.pipeline import Pipeline

    from scorehouse.compiler.pipeline import translate_pipeline_transformer
    from scorehouse.compiler.steps import column_transformer, discretize, encode, function, scale
    from scorehouse.compiler.steps import impute as imputers

    return {
        Pipeline: translate_pipeline_transformer,
        compose.ColumnTransformer: column_transformer.column_transformer,
        impute.SimpleImputer: imputers.simple_imputer,
        preprocessing.StandardScaler: scale.standard_scaler,
        preprocessing.MinMaxScaler: scale.min_max_scaler,
        preprocessing.RobustScaler: scale.robust_scaler,
        preprocessing.MaxAbsScaler: scale.max_abs_scaler,
        preprocessing.OneHotEncoder: encode.one_hot_encoder,
        preprocessing.OrdinalEncoder: encode.ordinal_encoder,
        preprocessing.KBinsDiscretizer: discretize.kbins_discretizer,
        preprocessing.Binarizer: discretize.binarizer,
        preprocessing.FunctionTransformer: function.function_transformer,
    }


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
        sk_calibration.CalibratedClassifierCV: calibration.calibrated_classifier_cv,
        uplift_estimators.TwoModelUplift: uplift.two_model_uplift,
        uplift_estimators.ClassTransformationUplift: uplift.class_transformation_uplift,
    }
