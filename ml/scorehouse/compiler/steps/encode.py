"""OneHotEncoder and OrdinalEncoder, as lookups built from the fitted encoder's answers."""

from __future__ import annotations

from typing import Any

import numpy as np

from scorehouse.compiler.columns import Column
from scorehouse.compiler.context import Context
from scorehouse.compiler.steps.categories import (
    FeatureProbe,
    domain,
    explain,
    lookup,
    probe,
    refuse,
)
from scorehouse.errors import UnsupportedEstimatorError


def _widths(encoder: Any) -> list[int]:
    """Output columns per input feature: categories, less infrequent ones merged, less drop."""
    try:
        infrequent = encoder.infrequent_categories_
    except AttributeError:  # infrequent grouping not enabled
        infrequent = [None] * len(encoder.categories_)
    drop = encoder.drop_idx_
    widths = []
    for j, categories in enumerate(encoder.categories_):
        width = len(categories)
        if infrequent[j] is not None:
            width -= len(infrequent[j]) - 1
        if drop is not None and drop[j] is not None:
            width -= 1
        widths.append(width)
    total = len(encoder.get_feature_names_out())
    if sum(widths) != total:
        raise UnsupportedEstimatorError(
            f"OneHotEncoder: cannot lay out its {total} output columns per input feature"
        )
    return widths


def _check_block(encoder: Any, feature: FeatureProbe, start: int, stop: int) -> None:
    """Columns outside the feature's own block must not move while only it changes."""
    rows = [feature.known_rows]
    rows += [r[None, :] for r in (feature.null_row, feature.unseen_row) if r is not None]
    stacked = np.vstack([r for r in rows if r.size])
    outside = np.delete(stacked, np.s_[start:stop], axis=1)
    if len(outside) and not (outside == outside[0]).all():
        raise UnsupportedEstimatorError(
            f"{type(encoder).__name__}: an output column depends on more than one input feature"
        )


def _refuse(ctx: Context, inputs: list[Column], features: list[FeatureProbe]) -> None:
    for column, feature in zip(inputs, features, strict=True):
        refuse(ctx, column, feature)


def one_hot_encoder(encoder: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """1.0/0.0 per output column, in scikit-learn's order; refused rows score NULL."""
    features = probe(encoder)
    _refuse(ctx, inputs, features)
    widths = _widths(encoder)
    out: list[Column] = []
    start = 0
    for column, feature, width in zip(inputs, features, widths, strict=True):
        _check_block(encoder, feature, start, start + width)
        for k in range(width):
            expr = lookup(column, feature, start + k)
            out.append(Column(f"{column.name}_{k}", expr, numeric=True, domain=domain(feature)))
        start += width
    return out


def ordinal_encoder(encoder: Any, inputs: list[Column], ctx: Context) -> list[Column]:
    """The category's code; ``unknown_value`` / ``encoded_missing_value`` (NaN → NULL)."""
    features = probe(encoder)
    _refuse(ctx, inputs, features)
    out = []
    for j, (column, feature) in enumerate(zip(inputs, features, strict=True)):
        _check_block(encoder, feature, j, j + 1)
        explain(ctx, column, feature, j)
        out.append(
            Column(column.name, lookup(column, feature, j), numeric=True, domain=domain(feature))
        )
    return out
