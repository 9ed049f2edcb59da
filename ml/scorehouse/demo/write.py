"""Write the demo tables into the warehouse atomically, through Ibis.

Rows go first into loading tables beside the real ones (``<table>__scorehouse_loading`` in
the target schema), chunk by chunk. Only when every table is complete are they published,
in one transaction that drops each old table and renames its loading table in its place:
a rename is metadata only, so publishing costs next to nothing however big the tables.
A failure or Ctrl-C at any point before the commit leaves the previous tables as they were;
the loading tables (and the schema, if this run created it) are dropped on the way out.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.csv as pacsv

from scorehouse.demo.schema import TABLE_NAMES
from scorehouse.errors import ScorehouseError
from scorehouse.warehouse.session import Session, quote

Progress = Callable[[str], None]
LOADING_SUFFIX = "__scorehouse_loading"


def loading_name(table: str) -> str:
    return table + LOADING_SUFFIX


class _Writer:
    """Warehouse-specific steps. DuckDB's defaults are Ibis calls and plain SQL."""

    drop_suffix = ""

    def __init__(self, con: Any, schema: str) -> None:
        self.con = con
        self.schema = schema
        self.session = Session(con)

    def table(self, name: str) -> str:
        return f"{quote(self.schema)}.{quote(name)}"

    def execute(self, sql: str) -> None:
        self.session.execute(sql)

    def schema_exists(self) -> bool:
        return self.session.schema_exists(self.schema)

    def create_table(self, name: str, arrow_schema: pa.Schema) -> None:
        self.con.create_table(
            name, schema=ibis.Schema.from_pyarrow(arrow_schema), database=self.schema
        )

    def append(self, name: str, table: pa.Table) -> None:
        self.con.insert(name, table, database=self.schema)

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        return self.session.transaction()

    def drop_loading_tables(self) -> None:
        for name in TABLE_NAMES:
            self.execute(f"DROP TABLE IF EXISTS {self.table(loading_name(name))}")

    def publish(self, names: list[str]) -> None:
        """Swap every loading table for the live one, all or nothing."""
        with self.transaction():
            for name in names:
                self.execute(f"DROP TABLE IF EXISTS {self.table(name)}{self.drop_suffix}")
                self.execute(
                    f"ALTER TABLE {self.table(loading_name(name))} RENAME TO {quote(name)}"
                )


class _PostgresWriter(_Writer):
    # Views built on an old table (dbt staging) go with it; the next dbt run recreates them.
    drop_suffix = " CASCADE"

    def append(self, name: str, table: pa.Table) -> None:
        # Ibis inserts in-memory rows one by one on PostgreSQL; COPY is orders faster.
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        columns = ", ".join(quote(c) for c in table.column_names)
        sql = f"COPY {self.table(name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with self.con.con.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())


class _SparkWriter(_Writer):
    """Spark has no transactions: tables are loaded beside the live ones as elsewhere, then
    swapped by renames (each a metastore operation). The live tables are first renamed
    aside; if any rename fails, those done are renamed back, so the previous tables stay
    live. Only when every new table is in place are the old ones dropped. A process killed
    in the middle of the swap can leave a table under its ``__scorehouse_old`` name: the
    next run drops it."""

    OLD_SUFFIX = "__scorehouse_old"

    def __init__(self, con: Any, schema: str) -> None:
        super().__init__(con, schema)
        self.spark = con._session

    def _spark_schema(self, arrow_schema: pa.Schema) -> Any:
        from pyspark.sql.pandas.types import from_arrow_schema

        return from_arrow_schema(arrow_schema)

    def create_table(self, name: str, arrow_schema: pa.Schema) -> None:
        empty = self.spark.createDataFrame([], self._spark_schema(arrow_schema))
        empty.write.format("parquet").saveAsTable(f"`{self.schema}`.`{name}`")

    def append(self, name: str, table: pa.Table) -> None:
        # the Arrow table as it is (pyspark 4 reads one): no per-row conversion, and no
        # detour through pandas, whose Arrow-backed strings pyspark's converter refuses
        frame = self.spark.createDataFrame(table, self._spark_schema(table.schema))
        frame.write.insertInto(f"`{self.schema}`.`{name}`")

    def drop_loading_tables(self) -> None:
        super().drop_loading_tables()
        for name in TABLE_NAMES:
            self.execute(f"DROP TABLE IF EXISTS {self.table(name + self.OLD_SUFFIX)}")

    def publish(self, names: list[str]) -> None:
        live = {t.name for t in self.spark.catalog.listTables(self.schema)}
        moved: list[str] = []  # live tables renamed aside
        swapped: list[str] = []  # loading tables renamed into place
        try:
            for name in names:
                if name in live:
                    self._rename(name, name + self.OLD_SUFFIX)
                    moved.append(name)
                self._rename(loading_name(name), name)
                swapped.append(name)
        except BaseException:
            for name in swapped:
                self._rename(name, loading_name(name))
            for name in moved:
                self._rename(name + self.OLD_SUFFIX, name)
            raise
        for name in moved:
            self.execute(f"DROP TABLE IF EXISTS {self.table(name + self.OLD_SUFFIX)}")

    def _rename(self, old: str, new: str) -> None:
        self.execute(f"ALTER TABLE {self.table(old)} RENAME TO {quote(new)}")


_WRITERS: dict[str, type[_Writer]] = {
    "duckdb": _Writer,
    "postgres": _PostgresWriter,
    "pyspark": _SparkWriter,
}


def writer_for(con: Any, schema: str) -> _Writer:
    try:
        return _WRITERS[con.name](con, schema)
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
    """Load all batches into loading tables, then publish them into ``schema`` at once."""
    say = progress or (lambda _message: None)
    writer = writer_for(con, schema)
    report = WriteReport(schema=schema)
    created_schema = not writer.schema_exists()
    writer.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
    published = False
    begun = time.perf_counter()
    try:
        writer.drop_loading_tables()  # left by a process that was killed outright
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
                    writer.create_table(loading_name(name), table.schema)
                    report.rows[name] = 0
                writer.append(loading_name(name), table)
                report.rows[name] += table.num_rows
            report.seconds_loading += time.perf_counter() - started
            customers = report.rows.get("customers", 0)
            say(
                f"  {customers:,} customers generated and loaded ({report.total_rows:,} rows, "
                f"{time.perf_counter() - begun:.0f} s)"
            )
        say(f"publishing {len(report.rows)} tables into schema {schema}")
        started = time.perf_counter()
        writer.publish(list(report.rows))
        published = True
        report.seconds_publishing = time.perf_counter() - started
    finally:
        if not published:
            _clean_up(writer, created_schema)
    return report


def _clean_up(writer: _Writer, drop_schema: bool) -> None:
    """Best effort: an error here must not hide the one that stopped the load. Loading
    tables that survive (say, the connection is gone) are dropped by the next run."""
    with contextlib.suppress(Exception):
        writer.drop_loading_tables()
        if drop_schema:
            writer.execute(f"DROP SCHEMA IF EXISTS {quote(writer.schema)}")
