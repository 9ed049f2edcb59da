"""What translators share while one estimator is compiled."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlglot import exp

from scorehouse.compiler.columns import Column
from scorehouse.compiler.query import QueryBuilder

Task = Literal["binary", "multiclass", "regression"]
Outputs = list[tuple[str, exp.Expression]]


@dataclass
class Prediction:
    """What a model translator returns.

    ``values`` are staged as columns first (so each is computed once); ``finish`` turns
    references to them into the named output columns. ``response`` gives, from the same
    references, the values scikit-learn's calibration reads from this model
    (``decision_function``, else ``predict_proba``).
    """

    task: Task
    values: list[Column]
    finish: Callable[[Context, list[Column]], Outputs]
    response: Callable[[list[Column]], list[exp.Expression]] | None = None


@dataclass
class Context:
    query: QueryBuilder
    translate_transformer: Callable[[Any, Sequence[Column]], list[Column]] = field(repr=False)
    translate_model: Callable[[Any, Sequence[Column]], Prediction] = field(repr=False)
