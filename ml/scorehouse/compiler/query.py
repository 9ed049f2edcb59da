"""Assemble the scoring query as a chain of CTEs, one per compilation stage.

Each stage selects the pass-through (``keep``) columns plus its own computed columns from
the stage before it. Materialising a step's outputs as named columns keeps every
expression small: a later step refers to a scaled feature by name instead of repeating its
formula in every tree node that reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlglot import exp

from scorehouse.compiler.columns import MAX_TERMS_PER_SUM, Column, Domain, left_sum


class QueryBuilder:
    def __init__(self, source: exp.Table, keep: Sequence[str], dialect: str | None = None):
        self._source = source
        self._keep = list(keep)
        # the dialect the query is rendered for, when known: a step may pick a form the
        # engine handles better (trees as arrays, see trees/arrays.py); None keeps to SQL
        # that every dialect renders
        self.dialect = dialect
        self._ctes: list[tuple[str, exp.Select]] = []
        self._carried: list[str] = []

    @property
    def _current(self) -> exp.Expression:
        if not self._ctes:
            return self._source.copy()
        return exp.to_table(self._ctes[-1][0])

    def input_column(self, name: str) -> Column:
        """A column of the source, as it is: as a number it may be NaN or infinite."""
        return Column(name=name, expr=exp.column(name, quoted=True), domain=Domain.NAN)

    def stage(
        self, columns: Sequence[Column], label: str, cross_join: exp.Expression | None = None
    ) -> list[Column]:
        """Compute ``columns`` in a new CTE; return plain references to them.

        ``cross_join``: a one-row relation joined in, whose columns ``columns`` may use
        (constants an engine should compute once, not per row).
        """
        cte = f"{label}_{len(self._ctes)}"
        aliases = [f"{label}_{i}" for i in range(len(columns))]
        if set(aliases) & set(self._carried):
            # a column carried from an earlier stage already has the name: number it apart
            aliases = [f"{label}{len(self._ctes)}_{i}" for i in range(len(columns))]
        clash = set(aliases) & set(self._keep)
        if clash:
            raise ValueError(f"keep columns clash with generated names: {sorted(clash)}")
        projections = [exp.column(k, quoted=True) for k in self._keep + self._carried]
        projections += [
            # no copy: a stage owns its expressions (copying a large forest is slow)
            exp.alias_(c.expr, alias, quoted=True, copy=False)
            for c, alias in zip(columns, aliases, strict=True)
        ]
        select = exp.select(*projections).from_(self._current, copy=False)
        if cross_join is not None:
            select = select.join(cross_join, join_type="cross", copy=False)
        self._ctes.append((cte, select))
        return [
            replace(c, expr=exp.column(alias, quoted=True))
            for c, alias in zip(columns, aliases, strict=True)
        ]

    def carry(self, column: Column) -> None:
        """Pass a staged column through every later stage (e.g. a validity flag)."""
        assert isinstance(column.expr, exp.Column)
        self._carried.append(column.expr.name)

    def sum_in_order(self, totals: Sequence[Sequence[Column]], label: str) -> list[Column]:
        """Sum each list of terms left to right, in stages small enough for any engine.

        ``totals[k]`` is the ordered list of terms of output k. Each stage adds at most
        MAX_TERMS_PER_SUM terms to the running total and carries the terms still to come,
        so the nesting depth stays bounded while the order of additions, and so the
        rounding, stays exactly left to right, as in scikit-learn's running sums.
        """
        pending = [list(terms) for terms in totals]
        running: list[Column | None] = [None] * len(pending)
        while True:
            step = []
            for k, terms in enumerate(pending):
                chunk, pending[k] = terms[:MAX_TERMS_PER_SUM], terms[MAX_TERMS_PER_SUM:]
                previous = running[k]
                parts = [previous.expr] if previous is not None else []
                parts += [c.expr for c in chunk]
                step.append(Column(name=f"total_{k}", expr=left_sum(parts), numeric=True))
            rest = [c for terms in pending for c in terms]
            if not rest:
                return self.stage(step, label)
            refs = self.stage(step + rest, label)
            running = list(refs[: len(pending)])
            carried = iter(refs[len(pending) :])
            pending = [[next(carried) for _ in terms] for terms in pending]

    def select(self, outputs: Sequence[tuple[str, exp.Expression]]) -> exp.Select:
        projections = [exp.column(k, quoted=True) for k in self._keep]
        projections += [exp.alias_(e, name, quoted=True, copy=False) for name, e in outputs]
        query = exp.select(*projections).from_(self._current, copy=False)
        # the stages move into the query as they are: with_() would copy the whole query
        # once per stage, quadratic in the size of a large model
        for name, cte in self._ctes:
            query = query.with_(name, as_=cte, copy=False)
        return query
