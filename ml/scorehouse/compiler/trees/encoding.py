"""Which SQL form a model's trees take: nested CASE, or arrays walked level by level.

- **case** (``case.py``): one nested CASE per tree. Cheapest per row for shallow trees, but
  engines plan and run it at a cost per node, whatever the number of rows reaching the node:
  a forest of deep trees makes megabytes of SQL that takes minutes to plan.
- **walk** (``walk.py``): the nodes as a few constant arrays, one CTE stage per level. Its
  size and planning time barely depend on the node count; a step costs a few array
  look-ups per row and tree.

Trees no deeper than ``CASE_MAX_DEPTH`` stay CASE, unless they hold more than
``CASE_MAX_NODES`` nodes below the levels that the walk writes as CASE anyway (a huge
ensemble of medium trees). Others walk, where the dialect has arrays (``arrays.py``) and no
split is categorical. Both give the same results, bit for bit; ``bench/bench_compiler.py``
measures the trade (a 1,500-tree GBM of depth 3 is faster as CASE, to plan and to run).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

from sqlglot import exp

from scorehouse.compiler.columns import Column, copied
from scorehouse.compiler.query import QueryBuilder
from scorehouse.compiler.render import array_dialect
from scorehouse.compiler.trees import codes, walk
from scorehouse.compiler.trees.case import tree_case
from scorehouse.compiler.trees.codes import Codes
from scorehouse.compiler.trees.flat import FlatTree

Encoding = Literal["case", "walk"]

CASE_MAX_DEPTH = 6
CASE_MAX_NODES = 50_000

_forced: Encoding | None = None


@contextmanager
def forced(name: Encoding | None) -> Iterator[None]:
    """Compile trees in one encoding whatever their shape (tests, benchmarks)."""
    global _forced
    previous, _forced = _forced, name
    try:
        yield
    finally:
        _forced = previous


def choose(trees: Sequence[FlatTree], dialect: str | None) -> Encoding:
    if array_dialect(dialect) is None or any(t.has_categories for t in trees):
        return "case"
    if _forced is not None:
        return _forced
    depths = [t.depths() for t in trees]
    deep = max((int(d.max()) for d in depths), default=0) > CASE_MAX_DEPTH
    below = sum(int((d > walk.CASE_LEVELS).sum()) for d in depths)
    return "walk" if deep or below > CASE_MAX_NODES else "case"


def leaf_values(
    query: QueryBuilder, trees: Sequence[FlatTree], inputs: Sequence[Column]
) -> list[list[exp.Expression]]:
    """values[t][k]: output k of the leaf of tree t each row lands in."""
    if not trees:
        return []
    dialect = getattr(query, "dialect", None)
    if choose(trees, dialect) == "walk":
        arrays = array_dialect(dialect)
        assert arrays is not None
        return walk.leaf_values(query, trees, inputs, arrays)
    x, coded = _coded_inputs(query, trees, inputs)
    return [[tree_case(tree, x, k, coded) for k in range(tree.values.shape[1])] for tree in trees]


def _coded_inputs(
    query: QueryBuilder, trees: Sequence[FlatTree], inputs: Sequence[Column]
) -> tuple[list[exp.Expression], Codes | None]:
    """The inputs, and integer codes of those many nodes test, staged together."""
    scales = codes.plan(trees)
    if not scales:
        return [c.expr for c in inputs], None
    columns = [copied(c) for c in inputs]  # passed through
    kinds = []
    for f, scale in sorted(scales.items()):
        for column in codes.code_columns(inputs[f], f, scale):
            columns.append(column)
            kinds.append((f, column.name.split("_")[0]))
    refs = query.stage(columns, "q")  # short: every coded node names its column
    coded = Codes(scales)
    for (f, kind), ref in zip(kinds, refs[len(inputs) :], strict=True):
        assert isinstance(ref.expr, exp.Column)
        getattr(coded, kind)[f] = ref.expr.name
    return [r.expr for r in refs[: len(inputs)]], coded
