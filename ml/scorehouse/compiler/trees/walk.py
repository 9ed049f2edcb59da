"""Deep trees as arrays: every row walks each tree one level per CTE stage.

Nested CASE costs the engine's planner and executor time per node, however few rows reach
it, so a forest of deep trees (hundreds of thousands of nodes) is hopeless that way. Here the
nodes of all trees become a handful of constant arrays, each parsed from one string literal
(one token for the parser, whatever its length), and each row carries one state per tree:

- a positive state ``s`` is an internal node, numbered level by level across all trees, so a
  stage only touches the nodes of one depth;
- a negative state ``-j`` is the j-th leaf, where the row has arrived.

One stage moves every unfinished row one level down::

    CASE WHEN s < 0 THEN s
         WHEN xs[feat[s]] <= cut[s] THEN yes[s]
         ELSE no[s] END

where ``xs`` is the row's array of inputs. A NULL input makes the comparison NULL, which
takes ELSE: ``no`` is the child that missing values go to. For a node that sends them left
the comparison is mirrored instead: ``-x <= c'`` with ``c'`` the double just below ``-cut``
holds exactly when ``x > cut``, so ``yes`` is the right child and ``no`` the left one; the
negated inputs sit in ``xs`` after the plain ones. The leaf values are looked up at the end:
``value_k[-s]``.

The top levels, where every node still sees many rows, are cheaper as a small nested CASE
that yields the state after them directly; the array walk takes over below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, as_double, case
from scorehouse.compiler.query import QueryBuilder
from scorehouse.compiler.render import ArrayDialect
from scorehouse.compiler.trees.arrays import double_text, integer_text
from scorehouse.compiler.trees.case import split_condition
from scorehouse.compiler.trees.flat import FlatTree

# Levels written as nested CASE before the array walk begins: such a level costs a few
# comparisons per row, a walk step several array look-ups (see bench/bench_compiler.py).
CASE_LEVELS = 4


@dataclass
class Layout:
    """All trees' nodes as flat arrays (0-based here; SQL indexes from 1)."""

    feature: np.ndarray  # per internal node: 0-based position in xs
    cut: np.ndarray
    yes: np.ndarray  # child state when xs[feature] <= cut
    no: np.ndarray  # child state otherwise, and for NULL
    values: np.ndarray  # (n_leaves, n_outputs)
    xs: list[tuple[int, bool]]  # per position of xs: (input index, negated)
    states: list[np.ndarray]  # per tree: the state of each of its nodes
    depths: list[np.ndarray]  # per tree: the depth of each node


def layout(trees: Sequence[FlatTree]) -> Layout:
    """Number every node, vectorised per tree; no recursion, no per-node SQL."""
    depths = [t.depths() for t in trees]
    states = [np.zeros(t.n_nodes, dtype=np.int64) for t in trees]
    values = []
    n_leaves = 0
    for tree, state in zip(trees, states, strict=True):
        leaves = np.flatnonzero(tree.feature < 0)
        state[leaves] = -(n_leaves + 1 + np.arange(len(leaves)))
        n_leaves += len(leaves)
        values.append(tree.values[leaves])
    # internal nodes, level by level, then tree by tree, then in node order
    n_internal = 0
    max_depth = max(int(d.max()) for d in depths)
    for level in range(max_depth):
        for tree, state, depth in zip(trees, states, depths, strict=True):
            nodes = np.flatnonzero((depth == level) & (tree.feature >= 0))
            state[nodes] = n_internal + 1 + np.arange(len(nodes))
            n_internal += len(nodes)

    feature = np.zeros(n_internal, dtype=np.int64)
    cut = np.zeros(n_internal)
    yes = np.zeros(n_internal, dtype=np.int64)
    no = np.zeros(n_internal, dtype=np.int64)
    mirrored = np.zeros(n_internal, dtype=bool)
    for tree, state in zip(trees, states, strict=True):
        nodes = np.flatnonzero(tree.feature >= 0)
        at = state[nodes] - 1
        c = np.clip(tree.cut[nodes], -literals.MAX_DOUBLE, literals.MAX_DOUBLE)
        left, right = state[tree.left[nodes]], state[tree.right[nodes]]
        # missing values go left: test x > cut as -x <= (the double below -cut)
        mirror = tree.missing_left[nodes].astype(bool)
        with np.errstate(over="ignore"):
            below = np.nextafter(-c, -np.inf)
        # x > MAX never holds for a finite x: every row goes left, NULL too
        always_left = mirror & np.isinf(below)
        mirror &= ~always_left
        # x <= +inf holds for +inf too (HistGradientBoosting takes infinite inputs): the
        # cut stays +inf there rather than the largest double
        plain = np.where(tree.cut[nodes] >= literals.MAX_DOUBLE, np.inf, c)
        feature[at] = tree.feature[nodes]
        cut[at] = np.where(mirror, below, np.where(always_left, 0.0, plain))
        yes[at] = np.where(mirror, right, left)
        no[at] = np.where(always_left | mirror, left, right)
        mirrored[at] = mirror
    # xs holds the inputs used plain, then those used mirrored
    plain = sorted(set(feature[~mirrored].tolist()))
    negated = sorted(set(feature[mirrored].tolist()))
    xs = [(f, False) for f in plain] + [(f, True) for f in negated]
    position = np.zeros(2 * (max(feature.max(initial=0), 0) + 1), dtype=np.int64)
    for i, (f, negated) in enumerate(xs):
        position[2 * f + int(negated)] = i
    feature = position[2 * feature + mirrored]
    return Layout(
        feature=feature,
        cut=cut,
        yes=yes,
        no=no,
        values=np.concatenate(values) if values else np.zeros((0, 1)),
        xs=xs,
        states=states,
        depths=depths,
    )


def _top_case(
    tree: FlatTree,
    state: np.ndarray,
    depth: np.ndarray,
    levels: int,
    inputs: Sequence[exp.Expression],
    integer: exp.DataType,
) -> exp.Expression:
    """The state after the top ``levels`` levels, as a nested CASE over the inputs."""
    built: dict[int, exp.Expression] = {}
    stack: list[tuple[int, bool]] = [(0, False)]
    while stack:
        node, children_done = stack.pop()
        if tree.feature[node] < 0 or depth[node] >= levels:
            built[node] = exp.Literal.number(int(state[node]))
            continue
        left, right = int(tree.left[node]), int(tree.right[node])
        if not children_done:
            stack += [(node, True), (left, False), (right, False)]
            continue
        built[node] = split_condition(
            tree, node, inputs[int(tree.feature[node])], built.pop(left), built.pop(right)
        )
    return exp.Cast(this=built[0], to=integer.copy())


def leaf_values(
    query: QueryBuilder,
    trees: Sequence[FlatTree],
    inputs: Sequence[Column],
    arrays: ArrayDialect,
    case_levels: int | None = None,
) -> list[list[exp.Expression]]:
    """Per tree, per output: the value of the leaf each row lands in (after staging the walk)."""
    if case_levels is None:
        case_levels = CASE_LEVELS
    plan = layout(trees)
    integer = exp.DataType.build(arrays.integer)
    n_outputs = plan.values.shape[1]
    x = [as_double(c) for c in inputs]

    if not len(plan.feature):  # every tree is a single leaf: arrays cannot be empty text
        plan.feature, plan.cut = np.zeros(1, dtype=np.int64), np.zeros(1)
        plan.yes, plan.no = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    constants = [
        (integer_text(plan.feature + 1), arrays.integer),
        (double_text(plan.cut), "DOUBLE"),
        (integer_text(plan.yes), arrays.integer),
        (integer_text(plan.no), arrays.integer),
    ] + [(double_text(plan.values[:, k]), "DOUBLE") for k in range(n_outputs)]
    relation, names = _constants_relation(query, arrays, constants)
    xs_items = [exp.Neg(this=x[f].copy()) if negated else x[f].copy() for f, negated in plan.xs]
    first = [Column("xs", arrays.array(xs_items or [literals.double(0.0)]))]
    first += [Column(name, _ref(name)) for name in names]
    n_fixed = len(first)
    tree_depths = [int(d.max()) for d in plan.depths]
    states = [
        Column(
            f"state_{t}",
            _top_case(
                tree, plan.states[t], plan.depths[t], case_levels, [c.expr for c in inputs], integer
            ),
        )
        for t, tree in enumerate(trees)
    ]
    refs = query.stage(first + states, "w", cross_join=relation)  # short: named per step
    for level in range(case_levels, max(tree_depths, default=0)):
        fixed, states = refs[:n_fixed], refs[n_fixed:]
        xs, feat, cut, yes, no = (_name(c) for c in fixed[:5])
        moved = []
        for t, s in enumerate(states):
            if tree_depths[t] <= level:
                moved.append(s)  # every row has reached a leaf of this tree
                continue
            here = _name(s)
            test = exp.LTE(
                this=arrays.element(_ref(xs), arrays.element(_ref(feat), _ref(here))),
                expression=arrays.element(_ref(cut), _ref(here)),
            )
            step = case(
                [
                    (exp.LT(this=_ref(here), expression=exp.Literal.number(0)), _ref(here)),
                    (test, arrays.element(_ref(yes), _ref(here))),
                ],
                arrays.element(_ref(no), _ref(here)),
            )
            moved.append(Column(s.name, step))
        refs = query.stage(list(fixed) + moved, "w")
    fixed, states = refs[:n_fixed], refs[n_fixed:]
    value_arrays = [_name(c) for c in fixed[5:]]
    return [
        [
            arrays.element(_ref(value_arrays[k]), exp.Neg(this=_ref(_name(s))))
            for k in range(n_outputs)
        ]
        for s in states
    ]


def _constants_relation(
    query: QueryBuilder, arrays: ArrayDialect, constants: Sequence[tuple[str, str]]
) -> tuple[exp.Expression, list[str]]:
    """A one-row relation with the arrays, joined into the walk's first stage.

    Joined rather than written inline, an array is built once per query, not once per batch
    of rows; and its text sits in an inner SELECT, so that the engine splits it when the
    query runs instead of folding it into a constant while planning (DuckDB: 0.2 s instead
    of 6 s for 2 MB of numbers).
    """
    taken = set(getattr(query, "_keep", ()))
    names = []
    for i in range(len(constants)):
        name = f"walk_array_{i}"
        while name in taken or f"{name}_text" in taken:
            name += "_"
        names.append(name)
    texts = exp.select(
        *(
            exp.alias_(exp.Literal.string(text), f"{name}_text", quoted=True, copy=False)
            for (text, _), name in zip(constants, names, strict=True)
        )
    ).subquery("walk_texts", copy=False)
    split = exp.select(
        *(
            exp.alias_(arrays.parse(_ref(f"{name}_text"), element), name, quoted=True, copy=False)
            for (_, element), name in zip(constants, names, strict=True)
        )
    )
    return split.from_(texts, copy=False).subquery("walk_arrays", copy=False), names


def _name(column: Column) -> str:
    assert isinstance(column.expr, exp.Column), "a staged column is a plain reference"
    return column.expr.name


def _ref(name: str) -> exp.Column:
    """A fresh reference to a staged column (cheaper to build than to copy)."""
    return exp.Column(this=exp.Identifier(this=name, quoted=True))
