"""A tree as one nested CASE expression per output, built without recursion.

For a numeric split the condition is written so that SQL's NULL falls into ELSE on the side
scikit-learn sends missing values: ``CASE WHEN x <= c THEN left ELSE right`` when missing
values go right, ``CASE WHEN x > c THEN right ELSE left`` when they go left. An infinite
input compares as it does in scikit-learn (only HistGradientBoosting takes one), also with
a threshold of +inf. Subtrees whose
leaves all carry the same value collapse into that value. Where the input has an integer
code (``codes.py``), the node compares the code with an integer instead, with the same
result for every input, NULL included.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import case, is_null
from scorehouse.compiler.trees.codes import Codes
from scorehouse.compiler.trees.flat import FlatTree


def _in(x: exp.Expression, members: Sequence[float]) -> exp.Expression:
    return exp.In(this=x.copy(), expressions=[literals.double(m) for m in sorted(members)])


def split_condition(
    tree: FlatTree,
    node: int,
    x: exp.Expression,
    left: exp.Expression,
    right: exp.Expression,
    codes: Codes | None = None,
) -> exp.Expression:
    """CASE sending each row to ``left`` or ``right`` at ``node``, NULL where the tree does."""
    if tree.left_categories is not None and tree.left_categories[node] is not None:
        left_set = tree.left_categories[node]
        known_right = sorted(tree.known_categories[node] - left_set)  # type: ignore[index]
        missing = left if tree.missing_left[node] else right
        whens = [(_in(x, sorted(left_set)), left)] if left_set else []
        if known_right:
            whens.append((_in(x, known_right), right))
        return case(whens, missing) if whens else missing
    test = codes.test(tree, node) if codes is not None else None
    if test is not None:
        x, cut = test[0], exp.Literal.number(test[1])
    elif tree.cut[node] >= literals.MAX_DOUBLE:
        # x <= +inf holds for every value but a missing one, +inf included (the "split on
        # missing values" of HistGradientBoosting, which takes infinite inputs)
        if tree.missing_left[node]:
            return left
        return case([(is_null(x), right)], left)
    else:
        cut = literals.double(float(tree.cut[node]))
    if tree.missing_left[node]:
        return case([(exp.GT(this=x.copy(), expression=cut), right)], left)
    return case([(exp.LTE(this=x.copy(), expression=cut), left)], right)


def tree_case(
    tree: FlatTree, inputs: Sequence[exp.Expression], output: int = 0, codes: Codes | None = None
) -> exp.Expression:
    """The value of ``output`` for the leaf each row lands in."""
    built: dict[int, tuple[exp.Expression, float | None]] = {}
    stack: list[tuple[int, bool]] = [(0, False)]
    while stack:
        node, children_done = stack.pop()
        if tree.is_leaf(node):
            v = float(tree.values[node, output])
            built[node] = (literals.double(v), v)
            continue
        left, right = int(tree.left[node]), int(tree.right[node])
        if not children_done:
            stack += [(node, True), (left, False), (right, False)]
            continue
        (left_sql, left_v), (right_sql, right_v) = built.pop(left), built.pop(right)
        if left_v is not None and left_v == right_v:
            built[node] = (left_sql, left_v)
        else:
            x = inputs[int(tree.feature[node])]
            built[node] = (split_condition(tree, node, x, left_sql, right_sql, codes), None)
    return built[0][0]
