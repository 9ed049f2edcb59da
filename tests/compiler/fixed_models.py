"""Estimators assembled from fixed numbers, for the golden SQL files.

Golden files test what the compiler writes, so their estimators must not depend on what a
solver finds: a fit's last digits change with the CPU and the BLAS kernel numpy picks. Each
estimator here is fitted once on a tiny frame only for scikit-learn's bookkeeping (feature
names, classes, its loss object); every learned number (coefficients, scaler statistics,
tree structure, thresholds, leaf values, priors) is then replaced by the constants below.
The results are ordinary fitted estimators: ``predict_proba`` works on them, and
``test_golden_sql.py`` checks it against the golden SQL run in DuckDB.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.tree._tree import NODE_DTYPE, Tree

FEATURES = ["recency", "frequency"]

# A tree is a leaf value (a list: one number per class, or one for a regression tree) or a
# split (feature name, threshold, left subtree, right subtree). Rows with
# value <= threshold go left.
Leaf = list
Split = tuple
Node = Leaf | Split


def frame() -> tuple[pd.DataFrame, np.ndarray]:
    """A tiny frame with both classes, for scikit-learn's bookkeeping only."""
    recency = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    frequency = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    return pd.DataFrame({"recency": recency, "frequency": frequency}), np.array(
        [0, 0, 0, 1, 0, 1, 1, 1]
    )


def tree(spec: Node, n_classes: int | None) -> Tree:
    """A scikit-learn ``Tree`` laid out as a fit lays it out (nodes in depth-first order).

    ``n_classes`` None builds a regression tree (one value per leaf)."""
    nodes: list[tuple] = []
    values: list[list[float]] = []
    depth = 0

    def add(node: Node, level: int) -> int:
        nonlocal depth
        depth = max(depth, level)
        index = len(nodes)
        nodes.append(())
        values.append([])
        if isinstance(node, list):
            nodes[index] = (-1, -1, -2, -2.0, 0.0, 1, 1.0, 0)
            values[index] = [float(v) for v in node]
            return index
        feature, threshold, left, right = node
        left_index = add(left, level + 1)
        right_index = add(right, level + 1)
        nodes[index] = (left_index, right_index, FEATURES.index(feature), threshold, 0.0, 2, 2.0, 0)
        # an inner node's value is never read by predict; the mean of its children stands in
        values[index] = list(np.mean([values[left_index], values[right_index]], axis=0))
        return index

    add(spec, 0)
    width = 1 if n_classes is None else n_classes
    state = {
        "max_depth": depth,
        "node_count": len(nodes),
        "nodes": np.array(nodes, dtype=NODE_DTYPE),
        "values": np.array(values, dtype=np.float64).reshape(len(nodes), 1, width),
    }
    built = Tree(len(FEATURES), np.array([width], dtype=np.intp), 1)
    built.__setstate__(state)
    return built


def logistic_regression() -> Any:
    X, y = frame()
    model = LogisticRegression().fit(X, y)
    model.coef_ = np.array([[0.5, -1.25]])
    model.intercept_ = np.array([0.125])
    return model


def scaled_logistic_regression() -> Any:
    X, y = frame()
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    scaler, model = pipeline[0], pipeline[-1]
    scaler.mean_ = np.array([3.5, 4.375])
    scaler.scale_ = np.array([2.25, 2.5])
    scaler.var_ = scaler.scale_**2
    model.coef_ = np.array([[1.1375, -0.0859375]])
    model.intercept_ = np.array([-0.001953125])
    return pipeline


DECISION_TREE: Node = ("recency", 2.25, [1.0, 0.0], ("recency", 4.75, [0.5, 0.5], [0.0, 1.0]))


def decision_tree() -> Any:
    X, y = frame()
    model = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    model.tree_ = tree(DECISION_TREE, n_classes=2)
    return model


# an even prior: its log-odds, the ensemble's baseline, is exactly 0 (a logarithm's last
# digit may differ between numpy's vectorised kernels)
GRADIENT_BOOSTING_PRIOR = [0.5, 0.5]
GRADIENT_BOOSTING_STAGES: list[Node] = [
    ("recency", 2.25, [-2.0], ("recency", 4.75, [0.0], [2.0])),
    ("recency", 2.25, [-1.8125], ("frequency", 4.0, [1.875], [0.25])),
    ("frequency", 1.5, ("recency", 3.5, [-0.5], [1.5]), ("recency", 4.75, [-1.25], [0.75])),
]


def gradient_boosting() -> Any:
    X, y = frame()
    model = GradientBoostingClassifier(
        n_estimators=len(GRADIENT_BOOSTING_STAGES), max_depth=2, learning_rate=0.1, random_state=0
    ).fit(X, y)
    model.init_.class_prior_ = np.array(GRADIENT_BOOSTING_PRIOR)
    for stage, spec in enumerate(GRADIENT_BOOSTING_STAGES):
        model.estimators_[stage, 0].tree_ = tree(spec, n_classes=None)
    return model
