"""What translators share while one estimator is compiled."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlglot import exp

from scorehouse.compiler import literals
from scorehouse.compiler.columns import Column, Domain, any_of, as_double, case, is_null
from scorehouse.compiler.query import QueryBuilder

Task = Literal["binary", "multiclass", "regression", "uplift"]
Outputs = list[tuple[str, exp.Expression]]
Reason = str | exp.Expression


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


def _number(column: Column) -> exp.Expression:
    """The column as a DOUBLE, a NaN left as it is: the tests here tell it apart themselves
    (ISINF(NaN) is false), which keeps them small."""
    return as_double(replace(column, domain=max(column.domain, Domain.INFINITE)))


def _text(reason: Reason) -> exp.Expression:
    return exp.Literal.string(reason) if isinstance(reason, str) else reason


@dataclass
class Context:
    """Shared state of one compilation.

    Refusals: where scikit-learn raises for a row (a NaN or an infinity given to an
    estimator that rejects it, an unseen category with ``handle_unknown='error'``), the
    whole prediction must be NULL. A NULL feature is not enough: a tree after the step
    would route it as a missing value and yield a number. So a translator states the
    condition with :meth:`refuse` (or :meth:`refuse_missing`, :meth:`refuse_infinite`),
    with a short reason; the next :meth:`stage` folds it into a ``refused`` flag carried
    through every later stage, and the model's values are NULL wherever the flag holds.

    With ``null_reason`` the reasons are folded, the same way, into a carried text column:
    the reason of the first refusal (in pipeline order) that holds, NULL while none does.
    A step whose output is NULL or infinite for a reason other than a missing or infinite
    input (log1p of x <= -1, an unseen category encoded as NaN) states it with
    :meth:`explain`, so that a later step refusing that value names the cause.
    """

    query: QueryBuilder
    translate_transformer: Callable[[Any, Sequence[Column]], list[Column]] = field(repr=False)
    translate_model: Callable[[Any, Sequence[Column]], Prediction] = field(repr=False)
    null_reason: bool = False
    refused: Column | None = None
    reason: Column | None = None
    _pending: list[tuple[exp.Expression, exp.Expression | None]] = field(
        default_factory=list, repr=False
    )
    # per column name: (condition, reason) explaining its NULL or infinite values
    _causes: dict[str, list[tuple[exp.Expression, str]]] = field(default_factory=dict, repr=False)
    _pending_causes: list[tuple[str, int]] = field(default_factory=list, repr=False)

    def refuse(self, condition: exp.Expression, reason: Reason) -> None:
        """Rows where ``condition`` is TRUE are refused by scikit-learn, for ``reason``."""
        self._pending.append((condition, _text(reason) if self.null_reason else None))

    def refuse_missing(self, column: Column, text: exp.Expression | None = None) -> None:
        """The step refuses a missing value (NULL, or NaN) in ``column``.

        ``text``: the column as text, for a step that reads it so (a categorical encoder).
        """
        if text is not None:
            condition = is_null(text)
        else:
            x = _number(column)
            condition = is_null(x)
            if column.domain == Domain.NAN:
                condition = exp.Or(this=condition, expression=exp.IsNan(this=x.copy()))
        self.refuse(condition, self._blame(column, f"missing {column.name}"))

    def refuse_infinite(
        self, column: Column, *, float32: bool = False, nan_refused: bool = False
    ) -> None:
        """The step refuses ±inf in ``column`` (check_array's ``ensure_all_finite``).

        ``float32``: the step casts its input to float32 first (scikit-learn's trees), and
        so also refuses a finite double that float32 rounds to infinity. Columns whose
        domain rules the value out are not tested. ``nan_refused``: a NaN is refused (as
        missing) before this test, which then need not tell it apart.
        """
        if column.domain >= (Domain.FLOAT32 if float32 else Domain.FINITE):
            return
        x = _number(column)
        if not float32:
            self.refuse(exp.IsInf(this=x), self._blame(column, f"infinite {column.name}"))
            return
        condition: exp.Expression = exp.GTE(
            this=exp.Abs(this=x.copy()), expression=literals.double(literals.FLOAT32_OVERFLOW)
        )
        if column.domain == Domain.NAN and not nan_refused:
            # NaN sorts above every number in DuckDB, PostgreSQL, Spark and Snowflake
            condition = exp.And(this=condition, expression=exp.Not(this=exp.IsNan(this=x.copy())))
        reason: Reason = f"out of float32 range in {column.name}"
        if self.null_reason and column.domain < Domain.FINITE:
            infinite = _text(self._blame(column, f"infinite {column.name}"))
            reason = case([(exp.IsInf(this=x.copy()), infinite)], _text(reason))
        self.refuse(condition, reason)

    def explain(self, name: str, condition: exp.Expression, reason: str) -> None:
        """Where ``condition`` holds, a NULL or infinite value in the column ``name`` is due
        to ``reason``, should a later step refuse it (only kept with ``null_reason``)."""
        if not self.null_reason:
            return
        causes = self._causes.setdefault(name, [])
        causes.append((condition, reason))
        self._pending_causes.append((name, len(causes) - 1))

    def _blame(self, column: Column, default: str) -> Reason:
        """``default``, or the cause :meth:`explain` gave for the column's value."""
        causes = self._causes.get(column.name) if self.null_reason else None
        if not causes:
            return default
        whens = [(c.copy(), exp.Literal.string(r)) for c, r in causes]
        return case(whens, exp.Literal.string(default))

    def stage(self, columns: Sequence[Column], label: str) -> list[Column]:
        """``query.stage``, folding the refusals stated since the last stage into the flag."""
        if not self._pending and not self._pending_causes:
            return self.query.stage(columns, label)
        extra: list[Column] = []
        if self._pending:
            previous = [self.refused.expr.copy()] if self.refused is not None else []
            extra.append(Column("refused", any_of(previous + [c for c, _ in self._pending])))
            if self.null_reason:
                whens = [(c.copy(), r) for c, r in self._pending if r is not None]
                reason = case(whens, None)
                if self.reason is not None:
                    reason = exp.Coalesce(this=self.reason.expr.copy(), expressions=[reason])
                extra.append(Column("reason", reason))
        causes = self._pending_causes
        for name, k in causes:
            extra.append(Column("cause", self._causes[name][k][0]))
        refs = self.query.stage([*columns, *extra], label)
        staged = refs[len(columns) :]
        if self._pending:
            self.refused = staged.pop(0)
            self.query.carry(self.refused)
            if self.null_reason:
                self.reason = staged.pop(0)
                self.query.carry(self.reason)
        for (name, k), ref in zip(causes, staged, strict=True):
            self._causes[name][k] = (ref.expr, self._causes[name][k][1])
            self.query.carry(ref)
        self._pending = []
        self._pending_causes = []
        return refs[: len(columns)]
