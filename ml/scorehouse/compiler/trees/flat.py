"""Trees of every scikit-learn family as one flat, array-based form.

Node ``i`` is a leaf when ``feature[i] < 0``. An internal node sends a row left when its
input is ``<= cut[i]`` (numeric) or in ``left_categories[i]`` (categorical); a missing
input goes left when ``missing_left[i]``. ``values[i]`` holds the leaf's contribution per
output, already in the form the ensemble adds up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scorehouse.compiler.literals import float32_cut


@dataclass(frozen=True)
class FlatTree:
    feature: np.ndarray
    cut: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    values: np.ndarray  # (n_nodes, n_outputs)
    left_categories: tuple[frozenset[float] | None, ...] | None = None
    known_categories: tuple[frozenset[float] | None, ...] | None = None

    @property
    def n_nodes(self) -> int:
        return len(self.feature)

    def is_leaf(self, node: int) -> bool:
        return bool(self.feature[node] < 0)


_cut = np.vectorize(float32_cut, otypes=[np.float64])


def from_sklearn_tree(tree: object, values: np.ndarray) -> FlatTree:
    """A fitted ``tree_`` (sklearn.tree._tree.Tree), with leaf values given by the caller.

    scikit-learn compares ``float32(x) <= threshold``; the cut points here are the DOUBLE
    equivalents, so the warehouse routes every double exactly as scikit-learn does.
    """
    feature = np.asarray(tree.feature, dtype=np.int64)
    internal = feature >= 0
    cut = np.zeros(len(feature))
    if internal.any():
        cut[internal] = _cut(np.asarray(tree.threshold)[internal])
    missing = getattr(tree, "missing_go_to_left", None)
    missing_left = (
        np.asarray(missing, dtype=bool) if missing is not None else np.zeros(len(feature), dtype=bool)
    )
    return FlatTree(
        feature=np.where(internal, feature, -1),
        cut=cut,
        left=np.asarray(tree.children_left, dtype=np.int64),
        right=np.asarray(tree.children_right, dtype=np.int64),
        missing_left=missing_left,
        values=np.asarray(values, dtype=np.float64).reshape(len(feature), -1),
    )


def _bitset_members(bitset: np.ndarray) -> frozenset[float]:
    members = []
    for word_index, word in enumerate(np.asarray(bitset, dtype=np.uint64)):
        for bit in range(32):
            if int(word) >> bit & 1:
                members.append(float(word_index * 32 + bit))
    return frozenset(members)


def from_hist_predictor(predictor: object, known_bitsets: np.ndarray, f_idx_map: np.ndarray) -> FlatTree:
    """A HistGradientBoosting TreePredictor. Its thresholds compare float64 inputs directly."""
    nodes = predictor.nodes
    is_leaf = nodes["is_leaf"].astype(bool)
    is_cat = nodes["is_categorical"].astype(bool)
    feature = np.where(is_leaf, -1, nodes["feature_idx"].astype(np.int64))
    left_sets: list[frozenset[float] | None] = []
    known_sets: list[frozenset[float] | None] = []
    for i in range(len(nodes)):
        if is_leaf[i] or not is_cat[i]:
            left_sets.append(None)
            known_sets.append(None)
            continue
        left_sets.append(_bitset_members(predictor.raw_left_cat_bitsets[nodes["bitset_idx"][i]]))
        known_sets.append(_bitset_members(known_bitsets[f_idx_map[nodes["feature_idx"][i]]]))
    return FlatTree(
        feature=feature,
        cut=nodes["num_threshold"].astype(np.float64),
        left=nodes["left"].astype(np.int64),
        right=nodes["right"].astype(np.int64),
        missing_left=nodes["missing_go_to_left"].astype(bool),
        values=nodes["value"].astype(np.float64).reshape(-1, 1),
        left_categories=tuple(left_sets) if is_cat.any() else None,
        known_categories=tuple(known_sets) if is_cat.any() else None,
    )
