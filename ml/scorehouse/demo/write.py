"""Write the demo tables into the warehouse atomically.

Rows go first into loading tables beside the real ones (``<table>__scorehouse_loading`` in
the target schema), chunk by chunk. Only when every table is complete are they published
(:meth:`Connection.swap_tables`: one transaction that drops each old table and renames its
loading table in its place; renames undone on failure where there are no transactions).
A rename is metadata only, so publishing costs next to nothing however big the tables.
A failure or Ctrl-C at any point before publishing leaves the previous tables as they were;
the loading tables (and the schema, if this run created it) are dropped on the way out.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from scorehouse.demo.schema import TABLE_NAMES
from scorehouse.engines import Connection, qualified, quote

Progress = Callable[[str], None]
LOADING_SUFFIX = "__scorehouse_loading"


def loading_name(table: str) -> str:
    return table + LOADING_SUFFIX


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
    con: Connection,
    batches: Iterable[dict[str, pa.Table]],
    schema: str,
    progress: Progress | None = None,
) -> WriteReport:
    """Load all batches into loading tables, then publish them into ``schema`` at once."""
    say = progress or (lambda _message: None)
    report = WriteReport(schema=schema)
    created_schema = not con.schema_exists(schema)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
    published = False
    begun = time.perf_counter()
    try:
        _drop_loading_tables(con, schema)  # left by a process that was killed outright
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
                    con.create_table_like(schema, loading_name(name), table.schema)
                    report.rows[name] = 0
                con.append_arrow(schema, loading_name(name), table)
                report.rows[name] += table.num_rows
            report.seconds_loading += time.perf_counter() - started
            customers = report.rows.get("customers", 0)
            say(
                f"  {customers:,} customers generated and loaded ({report.total_rows:,} rows, "
                f"{time.perf_counter() - begun:.0f} s)"
            )
        say(f"publishing {len(report.rows)} tables into schema {schema}")
        started = time.perf_counter()
        con.swap_tables(schema, [(name, loading_name(name)) for name in report.rows])
        published = True
        report.seconds_publishing = time.perf_counter() - started
    finally:
        if not published:
            _clean_up(con, schema, created_schema)
    return report


def _drop_loading_tables(con: Connection, schema: str) -> None:
    for name in TABLE_NAMES:
        con.execute(f"DROP TABLE IF EXISTS {qualified(schema, loading_name(name))}")
    con.drop_leftovers(schema, TABLE_NAMES)


def _clean_up(con: Connection, schema: str, drop_schema: bool) -> None:
    """Best effort: an error here must not hide the one that stopped the load. Loading
    tables that survive (say, the connection is gone) are dropped by the next run."""
    with contextlib.suppress(Exception):
        _drop_loading_tables(con, schema)
        if drop_schema:
            con.execute(f"DROP SCHEMA IF EXISTS {quote(schema)}")
