"""``compile_sql``: a fitted scikit-learn estimator to one self-contained SQL query.

The rule: the query gives exactly the number scikit-learn gives for a row, or NULL where
scikit-learn refuses the row; never a number scikit-learn would not give. NaN in a numeric
input is a missing value, as it is to scikit-learn (and to pandas reading a NULL): it is
imputed, routed by trees, or refused, exactly as NULL is (``columns.py``). ±inf is refused
wherever the estimator that first receives it refuses it (check_array's
``ensure_all_finite``: scalers, imputers, encoders, binners, linear models; trees, forests
and gradient boosting refuse a finite value beyond float32's range too), and routed where
it takes it (HistGradientBoosting; FunctionTransformer and ColumnTransformer pass it on).
``null_reason=True`` adds a column saying why a row scored NULL (``context.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.context import Context
from scorehouse.compiler.dispatch import translate_model, translate_transformer
from scorehouse.compiler.pipeline import translate_estimator
from scorehouse.compiler.query import QueryBuilder
from scorehouse.compiler.render import check_dialect, parse_relation, render
from scorehouse.errors import MissingColumnError, ScorehouseError


def input_names(estimator: Any, features: Sequence[str] | None) -> list[str]:
    """The input columns, matched by name: ``feature_names_in_``, else ``features``."""
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is not None:
        fitted = [str(n) for n in fitted]
        if features is not None:
            missing = [n for n in fitted if n not in set(features)]
            if missing:
                raise MissingColumnError(
                    f"the model needs column(s) {', '.join(missing)}, "
                    "which are not in the given features"
                )
        return fitted
    if features is None:
        n = getattr(estimator, "n_features_in_", "?")
        raise MissingColumnError(
            f"{type(estimator).__name__} was fitted without column names: pass features= "
            f"with its {n} input column names in training order"
        )
    expected = getattr(estimator, "n_features_in_", None)
    if expected is not None and expected != len(features):
        raise MissingColumnError(
            f"{type(estimator).__name__} takes {expected} input columns, "
            f"but {len(features)} feature names were given"
        )
    return [str(f) for f in features]


def compile_sql(
    estimator: Any,
    *,
    source: str,
    dialect: str = "duckdb",
    features: Sequence[str] | None = None,
    keep: Sequence[str] = (),
    null_reason: bool = False,
) -> str:
    """One SELECT that reads ``source``, passes ``keep`` through and adds the score columns.

    Binary classifiers yield ``score`` (probability of ``classes_[1]``) and ``label``;
    multiclass classifiers ``proba_<class>`` per class and ``label``; regressors
    ``prediction``. Rows scikit-learn refuses (a missing or infinite value the model does not
    take, an unknown category) score NULL. With ``null_reason``, a text column
    ``null_reason`` says why: NULL on scored rows, else e.g. ``missing recency_days``,
    ``infinite recency_days``, ``unknown category in city`` or ``invalid value in x``.
    """
    try:
        check_is_fitted(estimator)
    except NotFittedError as error:
        raise ScorehouseError(f"{type(estimator).__name__} is not fitted: {error}") from error
    except TypeError as error:
        raise ScorehouseError(f"{estimator!r} is not a scikit-learn estimator") from error
    check_dialect(dialect)
    names = input_names(estimator, features)
    if null_reason and "null_reason" in keep:
        raise ScorehouseError("keep= holds a column null_reason, which null_reason=True adds")
    query = QueryBuilder(parse_relation(source, dialect), list(keep), dialect=dialect)
    ctx = Context(query=query, translate_transformer=None, translate_model=None)  # type: ignore[arg-type]
    ctx.null_reason = null_reason
    ctx.translate_transformer = partial(translate_transformer, ctx)
    ctx.translate_model = partial(translate_model, ctx)
    inputs = [query.input_column(n) for n in names]
    prediction = translate_estimator(ctx, estimator, inputs)
    refs = query.stage(prediction.values, "raw")
    outputs = prediction.finish(ctx, refs)
    if null_reason:
        reason = ctx.reason.expr if ctx.reason is not None else exp.Null()
        outputs.append(("null_reason", exp.Cast(this=reason, to=literals.TEXT.copy())))
    return render(query.select(outputs), dialect)
