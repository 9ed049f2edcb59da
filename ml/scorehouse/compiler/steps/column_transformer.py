"""ColumnTransformer: each branch on its own columns, outputs side by side.

The fitted ``transformers_`` list holds every branch in output order (the remainder last),
with callables already resolved to the columns they chose. ColumnTransformer checks no
values: a NaN or an infinity reaches each branch as it is. Branches compose inline, not
in stages, because a stage passes on only its own columns and the sibling branches still
need theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, Domain, mul, to_double
from scorehouse.compiler.context import Context
from scorehouse.errors import UnsupportedEstimatorError


def _positions(spec: Any, names: Sequence[str] | None, n: int) -> list[int]:
    """Input positions selected by a column spec: names, integers, a mask or a slice."""

    def by_name(name: str) -> int:
        if names is None or name not in names:
            raise UnsupportedEstimatorError(f"ColumnTransformer selects unknown column {name!r}")
        return list(names).index(name)

    if isinstance(spec, slice):
        if isinstance(spec.start, str) or isinstance(spec.stop, str):  # inclusive, by name
            start = 0 if spec.start is None else by_name(spec.start)
            stop = n if spec.stop is None else by_name(spec.stop) + 1
            return list(range(n))[start : stop : spec.step]
        return list(range(n))[spec]
    if isinstance(spec, (str, int, np.integer)):
        spec = [spec]
    items = list(spec)
    if items and all(isinstance(i, (bool, np.bool_)) for i in items):
        return [i for i, chosen in enumerate(items) if chosen]
    if all(isinstance(i, str) for i in items):
        return [by_name(i) for i in items]
    if all(isinstance(i, (int, np.integer)) for i in items):
        return [int(i) % n for i in items]
    raise UnsupportedEstimatorError(f"ColumnTransformer column selection {spec!r} is not supported")


def _weighted(columns: list[Column], weight: float | None) -> list[Column]:
    if weight is None:
        return columns
    w = literals.double(float(weight))
    out = []
    for c in columns:
        value = to_double(c)
        domain = value.domain
        if weight == 0 and domain <= Domain.INFINITE:
            domain = Domain.NAN  # inf * 0 is NaN: a missing value to the next step
        elif domain == Domain.FLOAT32 and abs(weight) > 1:
            domain = Domain.FINITE
        out.append(Column(c.name, mul(value.expr, w.copy()), numeric=True, domain=domain))
    return out


def column_transformer(ct: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    names = getattr(ct, "feature_names_in_", None)
    names = None if names is None else [str(n) for n in names]
    weights = ct.transformer_weights or {}
    out: list[Column] = []
    for name, transformer, spec in ct.transformers_:
        if isinstance(transformer, str) and transformer == "drop":
            continue
        selected = [inputs[i] for i in _positions(spec, names, len(inputs))]
        if not selected:
            continue  # scikit-learn skips a branch with no columns (and never fitted it)
        if isinstance(transformer, str) and transformer == "passthrough":
            columns = selected
        else:
            columns = ctx.translate_transformer(transformer, selected)
        expected = ct.output_indices_[name]
        if (expected.start, expected.stop) != (len(out), len(out) + len(columns)):
            raise UnsupportedEstimatorError(
                f"ColumnTransformer branch {name!r} ({type(transformer).__name__}) compiles to "
                f"{len(columns)} columns where scikit-learn gives "
                f"{expected.stop - expected.start}"
            )
        out += _weighted(columns, weights.get(name))
    return out
