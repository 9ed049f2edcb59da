"""Write the demo tables into the warehouse atomically, through Ibis.

Rows go first into a scratch schema (``<schema>__scorehouse_loading``), chunk by chunk.
Only when every table is complete are they published into the target schema, in one
transaction that drops the old tables and puts the new ones in their place. A failure or
Ctrl-C at any point before the commit leaves the previous tables as they were, and the
scratch schema is dropped on the way out.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.csv as pacsv

from scorehouse.errors import ScorehouseError

Progress = Callable[[str], None]
SCRATCH_SUFFIX = "__scorehouse_loading"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Writer:
    """What differs between warehouses: how rows are appended and how tables are moved."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def execute(self, sql: str) -> None:
        self.con.raw_sql(sql)

    def create_schema(self, schema: str) -> None:
        self.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")

    def drop_schema(self, schema: str) -> None:
        self.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")

    def create_table(self, schema: str, name: str, arrow_schema: pa.Schema) -> None:
        self.con.create_table(
            name, schema=ibis.Schema.from_pyarrow(arrow_schema), database=schema
        )

    def append(self, schema: str, name: str, table: pa.Table) -> None:
        self.con.insert(name, table, database=schema)

    def publish(self, scratch: str, schema: str, names: list[str]) -> None:
        raise NotImplementedError


class _DuckDBWriter(_Writer):
    def publish(self, scratch: str, schema: str, names: list[str]) -> None:
        # DuckDB cannot move a table to another schema, so the copy happens in the
        # transaction; DDL is transactional, so readers see the old or the new set.
        raw = self.con.con
        raw.execute("BEGIN TRANSACTION")
        try:
            self.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
            for name in names:
                self.execute(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(name)}")
                self.execute(
                    f"CREATE TABLE {quote(schema)}.{quote(name)} AS "
                    f"SELECT * FROM {quote(scratch)}.{quote(name)}"
                )
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise


class _PostgresWriter(_Writer):
    def append(self, schema: str, name: str, table: pa.Table) -> None:
        # Ibis inserts in-memory rows one by one on PostgreSQL; COPY is orders faster.
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        columns = ", ".join(quote(c) for c in table.column_names)
        sql = f"COPY {quote(schema)}.{quote(name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with self.con.con.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())

    def publish(self, scratch: str, schema: str, names: list[str]) -> None:
        raw = self.con.con
        with raw.transaction(), raw.cursor() as cursor:
            self._cursor = cursor
            try:
                self.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
                for name in names:
                    # CASCADE: views built on the old table (dbt staging) go with it;
                    # the next dbt run recreates them.
                    self.execute(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(name)} CASCADE")
                    self.execute(
                        f"ALTER TABLE {quote(scratch)}.{quote(name)} SET SCHEMA {quote(schema)}"
                    )
            finally:
                self._cursor = None

    def execute(self, sql: str) -> None:
        cursor = getattr(self, "_cursor", None)
        if cursor is not None:
            cursor.execute(sql)
        else:
            self.con.raw_sql(sql).close()


_WRITERS: dict[str, type[_Writer]] = {"duckdb": _DuckDBWriter, "postgres": _PostgresWriter}


def writer_for(con: Any) -> _Writer:
    try:
        return _WRITERS[con.name](con)
    except KeyError:
        raise ScorehouseError(
            f"demo-data can write to {', '.join(_WRITERS)}, not to {con.name}"
        ) from None


@dataclass
class WriteReport:
    """What was written where, and how long each phase took."""

    schema: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds_generating: float = 0.0
    seconds_loading: float = 0.0
    seconds_publishing: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def write_batches(
    con: Any,
    batches: Iterable[dict[str, pa.Table]],
    schema: str,
    progress: Progress | None = None,
) -> WriteReport:
    """Load all batches into scratch tables, then publish them into ``schema`` at once."""
    say = progress or (lambda _message: None)
    writer = writer_for(con)
    scratch = schema + SCRATCH_SUFFIX
    report = WriteReport(schema=schema)
    writer.drop_schema(scratch)  # left over by a process that was killed outright
    writer.create_schema(scratch)
    try:
        iterator = iter(batches)
        while True:
            started = time.perf_counter()
            batch = next(iterator, None)
            report.seconds_generating += time.perf_counter() - started
            if batch is None:
                break
            started = time.perf_counter()
            for name, table in batch.items():
                if name not in report.rows:
                    writer.create_table(scratch, name, table.schema)
                    report.rows[name] = 0
                writer.append(scratch, name, table)
                report.rows[name] += table.num_rows
            report.seconds_loading += time.perf_counter() - started
            customers = report.rows.get("customers", 0)
            say(f"  {customers:,} customers generated and loaded ({report.total_rows:,} rows)")
        say(f"publishing {len(report.rows)} tables into schema {schema}")
        started = time.perf_counter()
        writer.publish(scratch, schema, list(report.rows))
        report.seconds_publishing = time.perf_counter() - started
    finally:
        writer.drop_schema(scratch)
    return report
