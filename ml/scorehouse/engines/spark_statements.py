"""scorehouse's plain SQL on Spark: parameters, UPDATE and DELETE, and what stands in for a
transaction.

The registry, the alert table and the uplift tables are written with statements in the
DuckDB/PostgreSQL dialect and ``?`` placeholders. On Spark:

- Each ``?`` becomes a named parameter (``:p0``, ``:p1``...) bound through
  ``spark.sql(text, args=...)``: values never enter the SQL text. The statement is then
  rendered for Spark by sqlglot (backquoted names, ``STRING``/``DOUBLE`` types).
- Spark's Hive/parquet tables accept no ``UPDATE`` or ``DELETE``. Both are run as a
  ``SELECT`` of the rows the table should hold afterwards (a ``CASE`` per updated column,
  or the rows the condition does not match), materialised, then written over the table
  with ``INSERT OVERWRITE``. The tables written this way are scorehouse's small
  bookkeeping tables (a few rows per model and version).
- There are no multi-statement transactions. :meth:`SparkStatements.transaction` copies
  each table before its first write inside the block and, when the block raises (Ctrl-C
  included), writes the copies back. That undoes a failed registration or monitor run in
  this process; it does not isolate concurrent writers (the Derby metastore admits one
  Spark process anyway), and a process killed outright mid-block leaves the statements
  already applied in place. Each single ``INSERT OVERWRITE`` replaces the table's files
  as one Spark job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from scorehouse.engines.base import plain

READ = "duckdb"
WRITE = "spark"
INSERT_CHUNK = 200  # rows per INSERT statement (Spark parses every VALUES row)


def named_placeholders(sql: str, start: int = 0) -> tuple[str, int]:
    """``sql`` with each ``?`` outside quotes replaced by ``:p<n>`` (n from ``start``), and
    the next free number."""
    out: list[str] = []
    quote: str | None = None
    n = start
    for char in sql:
        if quote:
            if char == quote:
                quote = None
        elif char in ("'", '"', "`"):
            quote = char
        elif char == "?":
            out.append(f":p{n}")
            n += 1
            continue
        out.append(char)
    return "".join(out), n


def bind(params: Sequence[Any], start: int = 0) -> dict[str, Any]:
    return {f"p{start + i}": plain(v) for i, v in enumerate(params)}


def parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read=READ)


def render(expression: exp.Expression) -> str:
    return expression.sql(dialect=WRITE)


def _condition(statement: exp.Expression) -> exp.Expression:
    """The WHERE condition of an UPDATE/DELETE as a strict boolean (NULL counts as false)."""
    where = statement.args.get("where")
    if where is None:
        return exp.true()
    return exp.func("coalesce", exp.paren(where.this.copy()), exp.false())


def rows_after_delete(statement: exp.Delete) -> exp.Select:
    """The rows a table keeps after ``statement``."""
    return exp.select("*").from_(statement.this.copy()).where(exp.not_(_condition(statement)))


def rows_after_update(statement: exp.Update, columns: Sequence[str]) -> exp.Select:
    """The rows a table holds after ``statement``, its columns in table order."""
    sets = {eq.this.name: eq.expression for eq in statement.expressions}
    unknown = set(sets) - set(columns)
    if unknown:
        raise ValueError(f"UPDATE sets unknown column(s) {sorted(unknown)}")
    condition = _condition(statement)
    selected = []
    for column in columns:
        ref = exp.column(column, quoted=True)
        if column in sets:
            case = exp.Case(ifs=[exp.If(this=condition.copy(), true=sets[column].copy())])
            selected.append(exp.alias_(case.else_(ref), column, quoted=True))
        else:
            selected.append(ref)
    return exp.select(*selected).from_(statement.this.copy())


class SparkStatements:
    """Runs scorehouse's SQL on one SparkSession (see the module doc)."""

    def __init__(self, spark: Any):
        self.spark = spark
        self._undo: dict[str, Any] | None = None
        self._depth = 0

    # --- statements --------------------------------------------------------------------

    def run(self, sql: str, params: Sequence[Any] = (), *, fetch: bool = True) -> list[tuple]:
        text, _ = named_placeholders(sql)
        args = bind(params)
        statement = parse(text)
        if isinstance(statement, exp.Delete):
            self._rewrite(statement.this, rows_after_delete(statement), args)
            return []
        if isinstance(statement, exp.Update):
            columns = self.spark.table(_name(statement.this)).columns
            self._rewrite(statement.this, rows_after_update(statement, columns), args)
            return []
        if isinstance(statement, exp.Insert):
            self._before_write(statement.this.find(exp.Table))
        frame = self.spark.sql(render(statement), args=args or None)
        return [tuple(row) for row in frame.collect()] if fetch else []

    def frame(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """A query (no writes) as a Spark DataFrame."""
        text, _ = named_placeholders(sql)
        args = bind(params)
        return self.spark.sql(render(parse(text)), args=args or None)

    def insert_rows(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``INSERT INTO t (...) VALUES (?, ...)`` once per row, as a few multi-row INSERTs."""
        template = parse(named_placeholders(sql)[0])
        if not isinstance(template, exp.Insert):
            raise ValueError(f"executemany expects an INSERT ... VALUES, not {sql!r}")
        self._before_write(template.this.find(exp.Table))
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            n, tuples, args = 0, [], {}
            for row in chunk:
                names = [f"p{n + i}" for i in range(len(row))]
                tuples.append(exp.tuple_(*(exp.Placeholder(this=name) for name in names)))
                args.update(bind(row, n))
                n += len(row)
            statement = template.copy()
            statement.set("expression", exp.Values(expressions=tuples))
            self.spark.sql(render(statement), args=args)

    def _rewrite(self, table: exp.Table, select: exp.Select, args: dict[str, Any]) -> None:
        """Replace ``table``'s rows with those of ``select`` (which may read the table)."""
        name = _name(table)
        self._before_write(table)
        rows = self.spark.sql(render(select), args=args or None).localCheckpoint(eager=True)
        rows.write.insertInto(name, overwrite=True)

    # --- schema ------------------------------------------------------------------------

    def add_missing_columns(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        name = _name(parse(f"SELECT * FROM {table}").find(exp.Table))
        present = {c.lower() for c in self.spark.table(name).columns}
        missing = [(c, t) for c, t in columns if c.lower() not in present]
        if missing:
            listed = ", ".join(f"`{c}` {spark_type(t)}" for c, t in missing)
            self.spark.sql(f"ALTER TABLE {name} ADD COLUMNS ({listed})")

    def relation_columns(
        self, schema: str, only: Sequence[str] | None = None
    ) -> dict[str, set[str]]:
        """Listing a relation's columns resolves it (a view is analysed): only those in
        ``only`` are listed, when given."""
        catalog = self.spark.catalog
        if not catalog.databaseExists(schema):
            return {}
        return {
            t.name: {c.name for c in catalog.listColumns(f"`{schema}`.`{t.name}`")}
            for t in catalog.listTables(schema)
            if not t.isTemporary and (only is None or t.name in only)
        }

    # --- "transactions" ----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Undo on failure, by copies (see the module doc). Nested blocks join the outer."""
        if self._undo is None:
            self._undo = {}
        self._depth += 1
        try:
            yield
        except BaseException:
            if self._depth == 1:
                self._restore()
            raise
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._undo = None

    def _before_write(self, table: exp.Table | None) -> None:
        if self._undo is None or table is None:
            return
        name = _name(table)
        if name not in self._undo:
            self._undo[name] = self.spark.table(name).localCheckpoint(eager=True)

    def _restore(self) -> None:
        for name, copy in (self._undo or {}).items():
            with contextlib.suppress(Exception):  # restore every table we can
                copy.write.insertInto(name, overwrite=True)


def spark_type(kind: str) -> str:
    """A column type of scorehouse's DDL (DuckDB/PostgreSQL names) in Spark's words."""
    return exp.DataType.build(kind, dialect=READ).sql(dialect=WRITE)


def _name(table: exp.Table) -> str:
    """``schema.table`` as Spark's catalog functions take it."""
    return ".".join(f"`{part.name}`" for part in table.parts)
