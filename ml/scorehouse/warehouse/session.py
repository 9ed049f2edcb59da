"""Plain SQL with parameters and transactions on the connection behind an Ibis backend.

Ibis reads and writes tables; the registry also needs statements that run together or not
at all, which Ibis does not offer. SQL here is written with ``?`` placeholders, in the
DuckDB/PostgreSQL dialect (double-quoted names); on Spark it is translated (see
:mod:`scorehouse.warehouse.spark_sql`, which also says what a transaction means there).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Session:
    def __init__(self, con: Any):
        self.ibis = con
        self.backend = con.name
        self._cursor: Any = None
        if self.backend == "pyspark":
            from scorehouse.warehouse.spark_sql import SparkStatements

            self._spark = SparkStatements(con._session)
            return
        self._raw = con.con

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.backend == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.fetchall(sql, params, fetch=False)

    def fetchall(self, sql: str, params: Sequence[Any] = (), *, fetch: bool = True) -> list[tuple]:
        if self.backend == "pyspark":
            return self._spark.run(sql, params, fetch=fetch)
        if self.backend == "postgres":
            if self._cursor is not None:
                self._cursor.execute(self._sql(sql), tuple(params))
                return self._cursor.fetchall() if fetch else []
            with self._raw.cursor() as cursor:
                cursor.execute(self._sql(sql), tuple(params))
                return cursor.fetchall() if fetch else []
        result = self._raw.execute(sql, list(params))
        return result.fetchall() if fetch else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.backend == "pyspark":
            self._spark.insert_rows(sql, rows)
            return
        if self.backend == "postgres":
            if self._cursor is not None:
                self._cursor.executemany(self._sql(sql), [tuple(r) for r in rows])
                return
            with self._raw.cursor() as cursor:
                cursor.executemany(self._sql(sql), [tuple(r) for r in rows])
            return
        self._raw.executemany(sql, [list(r) for r in rows])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All statements inside commit together; any exception (or Ctrl-C) rolls back.

        On Spark there are no transactions: statements apply one by one, and an exception
        restores the tables written inside from copies taken before their first write (see
        :meth:`scorehouse.warehouse.spark_sql.SparkStatements.transaction`)."""
        if self.backend == "pyspark":
            with self._spark.transaction():
                yield
            return
        if self.backend == "postgres":
            with self._raw.transaction(), self._raw.cursor() as cursor:
                self._cursor = cursor
                try:
                    yield
                finally:
                    self._cursor = None
            return
        self._raw.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._raw.execute("ROLLBACK")
            raise
        self._raw.execute("COMMIT")

    def add_missing_columns(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        """Add to ``table`` (quoted ``schema.name``) the ``(name, type)`` columns it lacks."""
        if self.backend == "pyspark":
            self._spark.add_missing_columns(table, columns)
            return
        for column, kind in columns:
            self.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {quote(column)} {kind}")

    def schema_exists(self, schema: str) -> bool:
        if self.backend == "pyspark":
            return bool(self._spark.spark.catalog.databaseExists(schema))
        rows = self.fetchall(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", [schema]
        )
        return bool(rows[0][0])

    def relation_columns(
        self, schema: str, only: Sequence[str] | None = None
    ) -> dict[str, set[str]]:
        """The columns of every table and view in ``schema`` (of those named in ``only``),
        by relation name."""
        if self.backend == "pyspark":
            return self._spark.relation_columns(schema, only)
        rows = self.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?",
            [schema],
        )
        found: dict[str, set[str]] = {}
        for table, column in rows:
            if only is None or str(table) in only:
                found.setdefault(str(table), set()).add(str(column))
        return found
