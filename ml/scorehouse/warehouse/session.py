"""Plain SQL with parameters and transactions on the connection behind an Ibis backend.

Ibis reads and writes tables; the registry also needs statements that run together or not
at all, which Ibis does not offer. SQL here is written with ``?`` placeholders.
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
        self._raw = con.con
        self._cursor: Any = None

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.backend == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.fetchall(sql, params, fetch=False)

    def fetchall(self, sql: str, params: Sequence[Any] = (), *, fetch: bool = True) -> list[tuple]:
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
        """All statements inside commit together; any exception (or Ctrl-C) rolls back."""
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
