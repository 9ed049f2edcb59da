import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from tests.compiler.harness import check_on_engine


def test_logistic_and_boosting_match_sklearn(engine):
    runner, dialect = engine
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    y = (X.a + X.b * X.c > 0).astype(int)
    for model in (LogisticRegression(), GradientBoostingClassifier(n_estimators=10)):
        check_on_engine(runner, model.fit(X, y), X, dialect=dialect)
