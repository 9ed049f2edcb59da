"""Integer codes for inputs, so that tree nodes compare integers instead of doubles.

DuckDB (1.x) compares doubles with NaN-aware code, markedly slower inside nested CASE than
integer comparisons: measured on a 100-tree boosted model, the trees cost about a quarter
less with integer tests (bench/README.md). Each input that many nodes test is therefore
coded once per row, exactly:

- A split point ``c`` is *on the grid* of ``2**-k`` when ``c * 2**k`` is an integer ``C``.
  Multiplying by a power of two is exact, so ``x <= c`` holds exactly when
  ``CEIL(x * 2**k) <= C``.
- ``float32_cut`` often yields the double just below a grid point ``u`` (a float32 midpoint
  that rounds up under ties-to-even). Then ``x <= c`` is ``x < u``, which holds exactly when
  ``FLOOR(x * 2**k) <= u * 2**k - 1``.

``k`` is chosen per input to put as many of its split points on the grid as possible, with
every one of them inside ``±2**(61 - k)``; inputs are clamped to that range first (which
decides no comparison, for ±inf neither) so that the code fits a BIGINT. Split points off
the grid, and inputs tested by few nodes, keep the double comparison. A NULL input gives a
NULL code, so missing values take the same branches as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, as_double, case
from scorehouse.compiler.trees.flat import FlatTree

# an input is coded when at least this many nodes (of all trees) can test its code: below
# that, the per-row cost of coding it exceeds what its tests save
MIN_TESTS = 8
CODE_BITS = 61  # codes stay within ±2**61, far inside BIGINT

BIGINT = exp.DataType.build("BIGINT")


def grid_exponent(values: np.ndarray) -> np.ndarray:
    """For each double, the least ``k >= 0`` with ``value * 2**k`` an integer."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    v = np.where(finite, v, 0.0)  # infinities are never on a grid (callers exclude them)
    mantissa, exponent = np.frexp(v)  # v = mantissa * 2**exponent, 0.5 <= |mantissa| < 1
    m = np.abs(mantissa * 2.0**53).astype(np.int64)  # exact: 53-bit integer
    trailing = np.zeros(len(v), dtype=np.int64)
    nonzero = m != 0
    low = m[nonzero] & -m[nonzero]  # lowest set bit
    trailing[nonzero] = np.log2(low.astype(np.float64)).astype(np.int64)
    k = 53 - exponent.astype(np.int64) - trailing
    return np.where(nonzero & finite, np.maximum(k, 0), 0)


@dataclass
class Scale:
    """How one input is coded: clamped to ±bound, times 2**exponent, rounded both ways."""

    exponent: int
    ceil: bool = False
    floor: bool = False

    @property
    def bound(self) -> float:
        return 2.0 ** (CODE_BITS - self.exponent)


def _node_cuts(trees: Sequence[FlatTree]) -> dict[int, np.ndarray]:
    """Per input: the cut points of every numeric split on it."""
    per_input: dict[int, list[np.ndarray]] = {}
    for tree in trees:
        numeric = tree.feature >= 0
        if tree.left_categories is not None:
            numeric &= np.array([c is None for c in tree.left_categories])
        for f in np.unique(tree.feature[numeric]):
            per_input.setdefault(int(f), []).append(tree.cut[numeric & (tree.feature == f)])
    return {f: np.concatenate(cuts) for f, cuts in per_input.items()}


def _tests(cut: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(by ceil, by floor, integer) for each cut at exponent ``k``: which code tests it."""
    scale = 2.0**k
    limit = 2.0**CODE_BITS
    finite = np.abs(cut) < literals.MAX_DOUBLE
    with np.errstate(over="ignore", invalid="ignore"):
        up = np.nextafter(cut, np.inf)
        on_grid = finite & (grid_exponent(cut) <= k) & (np.abs(cut * scale) < limit)
        below_grid = finite & ~on_grid & (grid_exponent(up) <= k) & (np.abs(up * scale) < limit)
        value = np.where(on_grid, cut * scale, np.where(below_grid, up * scale - 1.0, 0.0))
    return on_grid, below_grid, value.astype(np.int64)


def plan(trees: Sequence[FlatTree]) -> dict[int, Scale]:
    """The inputs worth coding, each with the exponent that puts most of its cuts on grid."""
    scales = {}
    for f, cut in _node_cuts(trees).items():
        with np.errstate(over="ignore"):
            candidates = np.unique(
                np.concatenate([grid_exponent(cut), grid_exponent(np.nextafter(cut, np.inf))])
            )
        best, best_count = None, 0
        for k in candidates[candidates <= 1000].tolist():
            ceil, floor, _ = _tests(cut, int(k))
            count = int(ceil.sum() + floor.sum())
            if count > best_count:
                best, best_count = int(k), count
        if best is not None and best_count >= MIN_TESTS:
            ceil, floor, _ = _tests(cut, best)
            scales[f] = Scale(best, ceil=bool(ceil.any()), floor=bool(floor.any()))
    return scales


def code_columns(x: Column, index: int, scale: Scale) -> list[Column]:
    """The ceil and/or floor code of input ``x``, as BIGINT columns."""
    value = as_double(x)
    low, high = literals.double(-scale.bound), literals.double(scale.bound)
    # a CASE, not GREATEST/LEAST: NULL stays NULL (GREATEST skips it in some engines), and
    # ±inf (HistGradientBoosting takes it) becomes the bound, never a NaN that no engine
    # casts to BIGINT
    clamped = case(
        [
            (exp.LT(this=value.copy(), expression=low.copy()), low),
            (exp.GT(this=value.copy(), expression=high.copy()), high),
        ],
        value,
    )
    y = exp.Mul(this=clamped, expression=literals.double(2.0**scale.exponent))
    columns = []
    if scale.ceil:
        columns.append(
            Column(f"ceil_{index}", exp.Cast(this=exp.Ceil(this=y.copy()), to=BIGINT.copy()))
        )
    if scale.floor:
        columns.append(
            Column(f"floor_{index}", exp.Cast(this=exp.Floor(this=y.copy()), to=BIGINT.copy()))
        )
    return columns


@dataclass
class Codes:
    """The coded inputs of a query stage, and the integer test for each node that has one."""

    scales: dict[int, Scale]
    ceil: dict[int, str] = field(default_factory=dict)  # input -> column name
    floor: dict[int, str] = field(default_factory=dict)
    _per_tree: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def test(self, tree: FlatTree, node: int) -> tuple[exp.Expression, int] | None:
        """(code column, C) with ``x <= cut`` exactly when ``code <= C``; None: compare x."""
        key = id(tree)
        if key not in self._per_tree:
            kind = np.zeros(tree.n_nodes, dtype=np.int8)
            value = np.zeros(tree.n_nodes, dtype=np.int64)
            for f, scale in self.scales.items():
                nodes = np.flatnonzero(tree.feature == f)
                if tree.left_categories is not None:
                    nodes = np.array(
                        [n for n in nodes if tree.left_categories[n] is None], dtype=np.int64
                    )
                if not len(nodes):
                    continue
                ceil, floor, v = _tests(tree.cut[nodes], scale.exponent)
                kind[nodes] = np.where(ceil, 1, np.where(floor, 2, 0))
                value[nodes] = v
            self._per_tree[key] = (kind, value)
        kind, value = self._per_tree[key]
        f = int(tree.feature[node])
        if kind[node] == 1:
            return exp.Column(this=exp.Identifier(this=self.ceil[f], quoted=True)), int(value[node])
        if kind[node] == 2:
            return exp.Column(this=exp.Identifier(this=self.floor[f], quoted=True)), int(
                value[node]
            )
        return None
