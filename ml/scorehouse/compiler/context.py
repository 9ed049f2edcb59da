"""What translators share while one estimator is compiled."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlglot import exp

from scorehouse.compiler.columns import Column
from scorehouse.compiler.query import QueryBuilder

Task = Literal["binary", "multiclass", "regression", "uplift"]
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
    """Shared state of one compilation.

    Refusals: where scikit-learn's ``transform`` raises for a row (an unseen category with
    ``handle_unknown='error'``, a NaN given to a step that rejects it), the whole prediction
    must be NULL. A NULL feature is not enough: a tree after the step would route it as a
    missing value and yield a number. So a translator states the condition with
    :meth:`refuse`; the next :meth:`stage` folds it into a ``refused`` flag carried through
    every later stage, and the model's values are NULL wherever the flag holds.
    """

    query: QueryBuilder
    translate_transformer: Callable[[Any, Sequence[Column]], list[Column]] = field(repr=False)
    translate_model: Callable[[Any, Sequence[Column]], Prediction] = field(repr=False)
    refused: Column | None = None
    _pending: list[exp.Expression] = field(default_factory=list, repr=False)

    def refuse(self, condition: exp.Expression) -> None:
        """Rows where ``condition`` is TRUE are refused by scikit-learn."""
        self._pending.append(condition)

    def stage(self, columns: Sequence[Column], label: str) -> list[Column]:
        """``query.stage``, folding the refusals stated since the last stage into the flag."""
        if not self._pending:
            return self.query.stage(columns, label)
        conditions = (
            [self.refused.expr.copy()] if self.refused is not None else []
        ) + self._pending
        flag = conditions[0]
        for condition in conditions[1:]:
            flag = exp.Or(this=flag, expression=exp.Paren(this=condition))
        self._pending = []
        refs = self.query.stage([*columns, Column("refused", flag)], label)
        self.refused = refs.pop()
        self.query.carry(self.refused)
        return refs
