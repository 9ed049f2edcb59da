"""PostgreSQL, through psycopg2: ``?`` becomes ``%s``, transactions are the server's, and an
exclusive table lock serialises the writers that would otherwise race (two monitors opening
the same alert, two trainings taking the same version number)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from scorehouse.engines.base import Connection, Engine, plain_row, qualified, quote
from scorehouse.errors import ScorehouseError
from scorehouse.project import Target


def _placeholders(sql: str) -> str:
    """``?`` outside quotes as psycopg2's ``%s`` (a literal ``%`` doubled)."""
    out: list[str] = []
    quote_char: str | None = None
    for char in sql:
        if quote_char:
            if char == quote_char:
                quote_char = None
            out.append("%%" if char == "%" else char)
            continue
        if char in ("'", '"'):
            quote_char = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


class PostgresConnection(Connection):
    drop_cascade = " CASCADE"  # views built on an old table go with it; dbt recreates them

    def __init__(self, engine: Engine, target: Target, conn: Any):
        super().__init__(engine, target)
        self.conn = conn
        self.conn.autocommit = True
        self._in_transaction = False

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self.conn.cursor() as cursor:
            yield cursor

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._cursor() as cursor:
            cursor.execute(_placeholders(sql), plain_row(params))
            return cursor.fetchall() if cursor.description else []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._cursor() as cursor:
            cursor.execute(_placeholders(sql), plain_row(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._cursor() as cursor:
                cursor.executemany(_placeholders(sql), [plain_row(r) for r in rows])

    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._cursor() as cursor:
            cursor.execute(_placeholders(sql), plain_row(params))
            names = [d.name for d in cursor.description]
            types = [_arrow_type(d.type_code) for d in cursor.description]
            rows = cursor.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        arrays = []
        for values, kind, item in zip(columns, types, cursor.description, strict=True):
            if item.type_code == NUMERIC:  # Decimal objects
                values = tuple(None if v is None else float(v) for v in values)
            arrays.append(pa.array(list(values), type=kind))
        return pa.Table.from_arrays(arrays, names=names)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:  # nested blocks join the outer one
            yield
            return
        self.conn.autocommit = False
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()
        finally:
            self._in_transaction = False
            self.conn.autocommit = True

    def lock(self, table: str) -> None:
        self.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

    def create_table_like(self, schema: str, name: str, arrow_schema: pa.Schema) -> None:
        columns = ", ".join(
            f"{quote(f.name)} {_postgres_type(f.type)}" for f in arrow_schema
        )
        self.execute(f"CREATE TABLE {qualified(schema, name)} ({columns})")

    def append_arrow(self, schema: str, name: str, table: pa.Table) -> None:
        # COPY: rows inserted one by one would be orders slower
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        buffer.seek(0)
        columns = ", ".join(quote(c) for c in table.column_names)
        with self._cursor() as cursor:
            cursor.copy_expert(
                f"COPY {qualified(schema, name)} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer
            )

    def close(self) -> None:
        self.conn.close()


NUMERIC = 1700
# psycopg2's type codes (pg_type OIDs) of what scorehouse reads
_ARROW_TYPES = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    700: pa.float32(),
    701: pa.float64(),
    1700: pa.float64(),  # numeric: read as double (scorehouse writes none)
    25: pa.string(),
    1043: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
}


def _arrow_type(code: int) -> pa.DataType | None:
    return _ARROW_TYPES.get(code)


def _postgres_type(kind: pa.DataType) -> str:
    if pa.types.is_boolean(kind):
        return "BOOLEAN"
    if pa.types.is_integer(kind):
        return "BIGINT"
    if pa.types.is_floating(kind):
        return "DOUBLE PRECISION"
    if pa.types.is_date(kind):
        return "DATE"
    if pa.types.is_timestamp(kind):
        return "TIMESTAMPTZ" if kind.tz else "TIMESTAMP"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "TEXT"
    raise ValueError(f"no PostgreSQL type for Arrow type {kind}")


class PostgresEngine(Engine):
    adapter = "postgres"
    dialect = "postgres"
    types = {
        "text": "TEXT",
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "double": "DOUBLE PRECISION",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
    }

    def connect(self, target: Target, *, create: bool = False) -> Connection:
        import psycopg2

        s = target.settings
        try:
            conn = psycopg2.connect(
                host=s.get("host", "localhost"),
                port=int(s.get("port", 5432)),
                user=s.get("user"),
                password=s.get("password") or s.get("pass"),
                dbname=s.get("dbname") or s.get("database"),
            )
        except Exception as error:
            raise ScorehouseError(
                f"cannot connect to PostgreSQL target {target.name!r} at "
                f"{s.get('host')}:{s.get('port')}: {error}"
            ) from error
        return PostgresConnection(self, target, conn)

    def location(self, target: Target, schema: str) -> str:
        s = target.settings
        return (
            f"schema {schema} of database {s.get('dbname') or s.get('database')} on "
            f"{s.get('host')}:{s.get('port')} (target {target.name})"
        )
