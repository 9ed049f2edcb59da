"""What a fitted categorical encoder outputs for each category, found by asking it.

Encoders group infrequent categories, drop one, treat an unseen value or a missing one in
several ways, and the private helpers that compute this change between scikit-learn
releases. So instead of re-deriving the rules, the fitted encoder's own ``transform`` is
run on a small synthetic frame: one row per known category of each feature (the other
features held at a known value), plus one row with a missing value and one with a value it
never saw. What it answers is written into the SQL as a lookup per output column.

SQL has one NULL where pandas has NaN and None (a NaN in a numeric column is read as NULL,
see ``columns.as_double``); NULL is probed as the missing marker the encoder saw at fit (NaN
unless it only saw None), and as NaN when it saw none. On numeric features ±inf is probed
too: scikit-learn 1.9 refuses it (check_array's ``ensure_all_finite="allow-nan"``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from numbers import Real
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, Domain, as_double, case, is_null
from scorehouse.compiler.context import Context
from scorehouse.errors import UnsupportedEstimatorError

Kind = Literal["text", "number"]
UNSEEN_TEXT = "__scorehouse_unseen__"


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


@dataclass(frozen=True)
class FeatureProbe:
    """One input feature: its known categories and the encoder's output rows for them.

    A row is None where ``transform`` refuses the value (``handle_unknown='error'``): the
    SQL then yields NULL, so the model's score is NULL rather than a silent number.
    """

    kind: Kind
    known: list[Any]
    known_rows: np.ndarray  # (len(known), n_outputs)
    null_row: np.ndarray | None
    unseen_row: np.ndarray | None
    refuses_infinity: bool = False  # a numeric feature whose ±inf ``transform`` refuses


def _kind(encoder: Any, categories: np.ndarray, known: list[Any]) -> Kind:
    if known and all(isinstance(c, str) for c in known):
        return "text"
    # booleans (a missing-value indicator among strings, say) compare as 1.0 and 0.0
    if known and all(isinstance(c, (Real, np.bool_)) for c in known):
        return "number"
    if not known:
        return "text" if categories.dtype.kind in "OUS" else "number"
    raise UnsupportedEstimatorError(
        f"{type(encoder).__name__} with categories {known[:5]!r}: scorehouse compiles "
        "categories that are all strings or all numbers"
    )


def _unseen(kind: Kind, known: list[Any]) -> Any:
    if kind == "text":
        token = UNSEEN_TEXT
        while token in known:
            token += "_"
        return token
    numbers = {float(v) for v in known}
    number = max(numbers) + 1.0 if numbers else 0.0
    while number in numbers:  # beyond 2**53, + 1.0 may round back
        number = number * 2.0 if number > 0 else number - 1.0
    return number


def _column(kind: Kind, values: list[Any]) -> np.ndarray:
    if kind == "text" or any(isinstance(v, (bool, np.bool_)) for v in values):
        return np.array(values, dtype=object)
    if all(isinstance(v, (int, np.integer)) for v in values):
        return np.array(values, dtype=np.int64)
    return np.array(values, dtype=np.float64)


def _frame(encoder: Any, kinds: list[Kind], columns: list[list[Any]]) -> Any:
    arrays = [_column(k, v) for k, v in zip(kinds, columns, strict=True)]
    names = getattr(encoder, "feature_names_in_", None)
    if names is not None:
        return pd.DataFrame({str(n): a for n, a in zip(names, arrays, strict=True)})
    if all(k == "number" for k in kinds):
        return np.column_stack([a.astype(np.float64) for a in arrays])
    return np.column_stack([a.astype(object) for a in arrays])


def _dense(result: Any) -> np.ndarray:
    if sp.issparse(result):
        result = result.toarray()
    return np.asarray(result, dtype=np.float64)


def probe(encoder: Any) -> list[FeatureProbe]:
    """Run ``encoder.transform`` on every known category, a missing and an unseen value.

    Each probe row varies one feature and holds the others at their first category. All
    known categories go through one ``transform``; the missing and unseen values through
    one more, or one at a time when the encoder refuses some of them.
    """
    n = len(encoder.categories_)
    knowns, kinds, specials, baseline = [], [], [], []
    for categories in encoder.categories_:
        values = list(categories)
        known = [v for v in values if not is_missing(v)]
        missing = [v for v in values if is_missing(v)]
        kind = _kind(encoder, categories, known)
        knowns.append(known)
        kinds.append(kind)
        specials.append([missing[0] if missing else np.nan, _unseen(kind, known)])
        baseline.append(values[0])

    def transform(cells: list[tuple[int, Any]]) -> np.ndarray:
        """One output row per (feature, value) cell."""
        columns = [[v if j == k else baseline[k] for j, v in cells] for k in range(n)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _dense(encoder.transform(_frame(encoder, kinds, columns)))

    known_cells = [(j, v) for j in range(n) for v in knowns[j]]
    known_rows = iter(transform(known_cells)) if known_cells else iter(())
    # per feature: missing, unseen, then +inf and -inf for a numeric one
    special_cells = [
        (j, v)
        for j in range(n)
        for v in specials[j] + ([math.inf, -math.inf] if kinds[j] == "number" else [])
    ]
    special_rows: list[np.ndarray | None]
    try:
        special_rows = list(transform(special_cells))
    except ValueError:  # handle_unknown="error", or ±inf: find which values it refuses
        special_rows = []
        for cell in special_cells:
            try:
                special_rows.append(transform([cell])[0])
            except ValueError:
                special_rows.append(None)
    rows_of = iter(special_rows)
    probes = []
    for j in range(n):
        rows = [next(known_rows) for _ in knowns[j]]
        null_row, unseen_row = next(rows_of), next(rows_of)
        infinite = [next(rows_of), next(rows_of)] if kinds[j] == "number" else []
        probes.append(
            FeatureProbe(
                kind=kinds[j],
                known=knowns[j],
                known_rows=np.array(rows) if rows else np.zeros((0, 0)),
                null_row=null_row,
                unseen_row=unseen_row,
                refuses_infinity=_refuses_infinity(encoder, infinite, unseen_row),
            )
        )
    return probes


def _refuses_infinity(
    encoder: Any, rows: list[np.ndarray | None], unseen_row: np.ndarray | None
) -> bool:
    """Whether ``transform`` refuses ±inf; if it takes it, it must treat it as unseen (the
    lookup's ELSE branch)."""
    if all(r is None for r in rows):
        return bool(rows)
    same = [
        r is not None and unseen_row is not None and np.array_equal(r, unseen_row, equal_nan=True)
        for r in rows
    ]
    if not all(same):
        raise UnsupportedEstimatorError(
            f"{type(encoder).__name__} encodes an infinite value unlike an unseen one: "
            "scorehouse compiles encoders that refuse it or treat it as unseen"
        )
    return False


def _key(v: float | None) -> float | None:
    """An output value, with NaN as None so that equal outputs compare equal."""
    return None if v is None or math.isnan(v) else float(v)


def _output(v: float | None) -> exp.Expression:
    key = _key(v)
    return exp.Null() if key is None else literals.double(key)


def _category_literal(kind: Kind, value: Any) -> exp.Expression:
    return exp.Literal.string(str(value)) if kind == "text" else literals.double(float(value))


def lookup(column: Column, feature: FeatureProbe, output: int) -> exp.Expression:
    """``CASE`` giving the encoder's output ``output`` for the category in ``column``.

    NULL is tested first; then each output value other than the unseen one lists the
    categories that give it; everything else (an unseen value) takes the ELSE branch.
    """
    x = column.expr.copy() if feature.kind == "text" else as_double(column)
    unseen = _key(None if feature.unseen_row is None else feature.unseen_row[output])
    null = _key(None if feature.null_row is None else feature.null_row[output])
    whens: list[tuple[exp.Expression, exp.Expression]] = []
    if null != unseen:
        whens.append((is_null(x), _output(null)))
    groups: dict[float | None, list[Any]] = {}
    for category, row in zip(feature.known, feature.known_rows, strict=True):
        value = _key(row[output])
        if value != unseen:
            groups.setdefault(value, []).append(category)
    for value, members in groups.items():
        listed = [_category_literal(feature.kind, m) for m in members]
        if len(listed) == 1:
            test: exp.Expression = exp.EQ(this=x.copy(), expression=listed[0])
        else:
            test = exp.In(this=x.copy(), expressions=listed)
        whens.append((test, _output(value)))
    if not whens:
        return _output(unseen)
    return case(whens, _output(unseen))


def refuse(ctx: Context, column: Column, feature: FeatureProbe) -> None:
    """State the rows ``transform`` refuses: a NULL, ±inf, or an unseen value where it raises.

    In scikit-learn's order: check_array's NaN and infinity, then the unknown category.
    """
    x = column.expr.copy() if feature.kind == "text" else as_double(column)
    if feature.null_row is None:
        ctx.refuse_missing(column, x if feature.kind == "text" else None)
    if feature.refuses_infinity:
        ctx.refuse_infinite(column)
    if feature.unseen_row is None:
        known = [_category_literal(feature.kind, c) for c in feature.known]
        ctx.refuse(_is_unseen(x, known), f"unknown category in {column.name}")


def explain(ctx: Context, column: Column, feature: FeatureProbe, output: int) -> None:
    """An unseen category that the output ``output`` encodes as NaN (``unknown_value=np.nan``)
    is why a later step that refuses that NULL does so."""
    if feature.unseen_row is None or _key(feature.unseen_row[output]) is not None:
        return
    x = column.expr.copy() if feature.kind == "text" else as_double(column)
    known = [_category_literal(feature.kind, c) for c in feature.known]
    ctx.explain(column.name, _is_unseen(x, known), f"unknown category in {column.name}")


def _is_unseen(x: exp.Expression, known: list[exp.Expression]) -> exp.Expression:
    """Not NULL, and none of the known categories."""
    unseen: exp.Expression = exp.Not(this=is_null(x))
    if known:
        unseen = exp.And(
            this=unseen, expression=exp.Not(this=exp.In(this=x.copy(), expressions=known))
        )
    return unseen


def domain(feature: FeatureProbe) -> Domain:
    """The outputs are constants: within float32's range unless an encoded value is not."""
    rows = [feature.known_rows] + [
        r[None, :] for r in (feature.null_row, feature.unseen_row) if r is not None
    ]
    values = np.concatenate([r.ravel() for r in rows])
    values = values[~np.isnan(values)]
    small = not len(values) or np.abs(values).max() < literals.FLOAT32_OVERFLOW
    return Domain.FLOAT32 if small else Domain.FINITE
