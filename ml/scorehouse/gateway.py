"""The one way scorehouse reads and writes its own tables (:mod:`scorehouse.catalogue`):
created with the engine's types, rows as mappings by column name, every value bound."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scorehouse.catalogue import Table
from scorehouse.engines import Connection, qualified, quote

Row = Mapping[str, Any] | Sequence[Any]


class Gateway:
    """The catalogue's tables in one schema of one connection."""

    def __init__(self, connection: Connection, schema: str):
        self.connection = connection
        self.schema = schema

    def name(self, table: Table) -> str:
        return qualified(self.schema, table.name)

    def ensure(self, *tables: Table) -> None:
        """Create the schema and ``tables`` when missing; a table written by an older
        scorehouse gains the columns added since."""
        engine = self.connection.engine
        self.connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.schema)}")
        for table in tables:
            columns = [(c, engine.type_name(t)) for c, t in table.columns]
            listed = ", ".join(f"{quote(c)} {kind}" for c, kind in columns)
            self.connection.execute(f"CREATE TABLE IF NOT EXISTS {self.name(table)} ({listed})")
            self.connection.add_missing_columns(self.name(table), columns)

    def exists(self, table: Table) -> bool:
        return table.name in self.connection.relation_columns(self.schema, [table.name])

    def _values(self, table: Table, row: Row) -> list[Any]:
        if isinstance(row, Mapping):
            unknown = set(row) - set(table.names)
            if unknown:
                raise KeyError(f"{table.name} has no column(s) {sorted(unknown)}")
            return [row.get(c) for c in table.names]
        values = list(row)
        if len(values) != len(table.columns):
            raise ValueError(f"{table.name} takes {len(table.columns)} values, not {len(values)}")
        return values

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        """Append ``rows`` (mappings by column, or values in the catalogue's order)."""
        if not rows:
            return
        names = ", ".join(quote(c) for c in table.names)
        placeholders = ", ".join("?" for _ in table.columns)
        self.connection.executemany(
            f"INSERT INTO {self.name(table)} ({names}) VALUES ({placeholders})",
            [self._values(table, row) for row in rows],
        )

    def select(
        self, table: Table, where: str = "", params: Sequence[Any] = (), order: str = ""
    ) -> list[dict[str, Any]]:
        """Rows as dicts; ``where`` and ``order`` are SQL over the table's columns, with
        ``?`` for values in ``params``."""
        listed = ", ".join(quote(c) for c in table.names)
        sql = f"SELECT {listed} FROM {self.name(table)}"
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {order}"
        rows = self.connection.fetchall(sql, params)
        return [dict(zip(table.names, row, strict=True)) for row in rows]

    def update(
        self, table: Table, values: Mapping[str, Any], where: str, params: Sequence[Any] = ()
    ) -> None:
        unknown = set(values) - set(table.names)
        if unknown:
            raise KeyError(f"{table.name} has no column(s) {sorted(unknown)}")
        sets = ", ".join(f"{quote(c)} = ?" for c in values)
        self.connection.execute(
            f"UPDATE {self.name(table)} SET {sets} WHERE {where}", [*values.values(), *params]
        )

    def delete(self, table: Table, where: str = "", params: Sequence[Any] = ()) -> None:
        sql = f"DELETE FROM {self.name(table)}"
        self.connection.execute(f"{sql} WHERE {where}" if where else sql, params)

    def replace(
        self, table: Table, rows: Sequence[Row], where: str = "", params: Sequence[Any] = ()
    ) -> None:
        """In one transaction: delete the rows ``where`` matches (all without it), insert
        ``rows``."""
        self.ensure(table)
        with self.connection.transaction():
            self.delete(table, where, params)
            self.insert(table, rows)

    def lock(self, table: Table) -> None:
        self.connection.lock(self.name(table))
