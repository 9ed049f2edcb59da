"""Trees of every scikit-learn family as one flat, array-based form.

Node ``i`` is a leaf when ``feature[i] < 0``. An internal node sends a row left when its
input is ``<= cut[i]`` (numeric) or in ``left_categories[i]`` (categorical); a missing
input goes left when ``missing_left[i]``. ``values[i]`` holds the leaf's contribution per
output, already in the form the ensemble adds up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scorehouse.compiler.literals import MAX_DOUBLE


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

    @property
    def has_categories(self) -> bool:
        return self.left_categories is not None and any(c is not None for c in self.left_categories)

    def depths(self) -> np.ndarray:
        """The depth of every node (the root is 0), level by level, without recursion."""
        depth = np.full(self.n_nodes, -1, dtype=np.int64)
        depth[0] = 0
        frontier = np.array([0], dtype=np.int64)
        level = 0
        while frontier.size:
            frontier = frontier[self.feature[frontier] >= 0]
            children = np.concatenate([self.left[frontier], self.right[frontier]])
            level += 1
            depth[children] = level
            frontier = children
        return depth

    @property
    def max_depth(self) -> int:
        return int(self.depths().max())


def float32_cuts(thresholds: np.ndarray) -> np.ndarray:
    """``literals.float32_cut`` for a whole array at once (same results, bit for bit).

    For each threshold, the DOUBLE cut point ``c`` with ``x <= c`` exactly when
    ``float32(x) <= threshold``: the largest double that rounds (to nearest, ties to even)
    onto the largest float32 ``m <= threshold``.
    """
    t = np.asarray(thresholds, dtype=np.float64)
    f32 = np.float32
    with np.errstate(over="ignore", invalid="ignore"):
        m = t.astype(f32)
        m = np.where(m.astype(np.float64) > t, np.nextafter(m, f32(-np.inf)), m)
        above = np.nextafter(m, f32(np.inf))
        midpoint = (m.astype(np.float64) + above.astype(np.float64)) / 2.0  # exact
    even = (m.view(np.uint32) & np.uint32(1)) == 0
    cut = np.where(even, midpoint, np.nextafter(midpoint, -np.inf))
    cut = np.where(np.isinf(above), MAX_DOUBLE, cut)  # m is the largest float32
    cut = np.where(np.isinf(m), np.copysign(MAX_DOUBLE, m.astype(np.float64)), cut)
    return cut.astype(np.float64)


def from_sklearn_tree(tree: object, values: np.ndarray) -> FlatTree:
    """A fitted ``tree_`` (sklearn.tree._tree.Tree), with leaf values given by the caller.

    scikit-learn compares ``float32(x) <= threshold``; the cut points here are the DOUBLE
    equivalents, so the warehouse routes every double exactly as scikit-learn does.
    """
    feature = np.asarray(tree.feature, dtype=np.int64)
    internal = feature >= 0
    cut = np.zeros(len(feature))
    if internal.any():
        cut[internal] = float32_cuts(np.asarray(tree.threshold)[internal])
    missing = getattr(tree, "missing_go_to_left", None)
    missing_left = (
        np.asarray(missing, dtype=bool)
        if missing is not None
        else np.zeros(len(feature), dtype=bool)
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


def from_hist_predictor(
    predictor: object, known_bitsets: np.ndarray, f_idx_map: np.ndarray
) -> FlatTree:
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
