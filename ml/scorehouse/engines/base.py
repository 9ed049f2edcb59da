"""What scorehouse asks of a warehouse, in one place: an :class:`Engine` per dbt adapter type,
opening :class:`Connection` objects.

scorehouse's own SQL (the registry, alerts, uplift tests, the demo's raw tables) is written
once, in the DuckDB/PostgreSQL dialect with ``?`` placeholders and double-quoted names; a
connection runs it as its engine needs (PostgreSQL's ``%s``, Spark's named parameters and
table rewrites). Values are always bound, never pasted into the text. An engine knows its
names (the dbt adapter and the sqlglot dialect), how
to connect and close, its placeholders, transactions and locks, and how it loads Arrow
tables. Adding a warehouse is one new module registered in :mod:`scorehouse.engines`.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa

from scorehouse.errors import ScorehouseError

if TYPE_CHECKING:
    from scorehouse.project import Target

# The column types of scorehouse's tables, by their portable name (see catalogue.py)
PORTABLE_TYPES = ("text", "integer", "bigint", "double", "boolean", "timestamp", "date")


def quote(name: str) -> str:
    """A double-quoted SQL identifier (the dialect scorehouse's own SQL is written in)."""
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{quote(schema)}.{quote(name)}"


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value drivers bind (psycopg2 and Spark take no numpy)."""
    return value.item() if hasattr(value, "item") else value


def plain_row(values: Sequence[Any]) -> tuple:
    return tuple(plain(v) for v in values)


class Connection(ABC):
    """An open connection to one warehouse; a context manager that closes it."""

    def __init__(self, engine: Engine, target: Target):
        self.engine = engine
        self.target = target

    # --- statements ---------------------------------------------------------------------

    @abstractmethod
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run ``sql`` with ``params`` bound to its ``?``; its rows."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run ``sql`` with ``params`` bound to its ``?``."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run ``sql`` (an INSERT with ``?`` placeholders) once per row."""

    @abstractmethod
    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """The result of a query as an Arrow table (column types kept)."""

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.read_arrow(sql, params).to_pylist()

    def read_frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """The result as a pandas frame, DECIMAL columns (``0.5`` in DuckDB, NUMERIC in
        PostgreSQL) as float64 the way scikit-learn takes them."""
        table = self.read_arrow(sql, params)
        schema = pa.schema(
            pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f
            for f in table.schema
        )
        return table.cast(schema).to_pandas()

    @abstractmethod
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Statements inside commit together; an exception (Ctrl-C included) undoes them."""

    def lock(self, table: str) -> None:  # noqa: B027 (most engines need no explicit lock)
        """Inside a transaction: hold ``table`` (quoted ``schema.name``) against other
        writers until the transaction ends. A no-op where the engine admits one writer."""

    # --- what the warehouse holds -------------------------------------------------------

    def relation_columns(
        self, schema: str, only: Sequence[str] | None = None
    ) -> dict[str, set[str]]:
        """The columns of every table and view of ``schema`` (of those in ``only``), from
        the SQL standard's information_schema."""
        rows = self.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ?",
            [schema],
        )
        found: dict[str, set[str]] = {}
        for table, column in rows:
            if only is None or str(table) in only:
                found.setdefault(str(table), set()).add(str(column))
        return found

    def relation_types(self, schema: str, name: str) -> dict[str, pa.DataType]:
        """The columns of relation ``schema.name`` with their Arrow types."""
        return dict(zip(*self._schema_of(schema, name), strict=True))

    def _schema_of(self, schema: str, name: str) -> tuple[list[str], list[pa.DataType]]:
        table = self.read_arrow(f"SELECT * FROM {qualified(schema, name)} WHERE 1 = 0")
        return table.schema.names, table.schema.types

    def schema_exists(self, schema: str) -> bool:
        rows = self.fetchall(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", [schema]
        )
        return bool(rows[0][0])

    def add_missing_columns(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        """Add to ``table`` (quoted ``schema.name``) the ``(name, SQL type)`` it lacks."""
        for column, kind in columns:
            self.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {quote(column)} {kind}")

    # --- loading Arrow tables (the demo's raw data) -------------------------------------

    @abstractmethod
    def create_table_like(self, schema: str, name: str, arrow_schema: pa.Schema) -> None:
        """An empty table ``schema.name`` with the columns of ``arrow_schema``."""

    @abstractmethod
    def append_arrow(self, schema: str, name: str, table: pa.Table) -> None:
        """Append the rows of an Arrow table to ``schema.name``."""

    def swap_tables(self, schema: str, renames: Sequence[tuple[str, str]]) -> None:
        """Replace each table ``new`` of ``renames`` (live name, loading name) by its loading
        table, all or nothing: in one transaction that drops the live table and renames the
        loading one in its place."""
        with self.transaction():
            for live, loading in renames:
                self.execute(f"DROP TABLE IF EXISTS {qualified(schema, live)}{self.drop_cascade}")
                self.execute(f"ALTER TABLE {qualified(schema, loading)} RENAME TO {quote(live)}")

    drop_cascade: ClassVar[str] = ""

    def drop_leftovers(self, schema: str, names: Sequence[str]) -> None:  # noqa: B027
        """Drop what an interrupted :meth:`swap_tables` of ``names`` can leave behind
        (nothing, where the swap is one transaction)."""

    # --- closing ------------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Engine(ABC):
    """One kind of warehouse (a dbt adapter type): its names, and how to reach it."""

    adapter: ClassVar[str]  # the dbt adapter type (profiles.yml `type`)
    dialect: ClassVar[str]  # sqlglot's dialect name, for compiled SQL
    types: ClassVar[dict[str, str]]  # portable type -> this engine's SQL type

    def type_name(self, portable: str) -> str:
        try:
            return self.types[portable]
        except KeyError:
            raise ValueError(f"no {self.adapter} type for portable type {portable!r}") from None

    @abstractmethod
    def connect(self, target: Target, *, create: bool = False) -> Connection:
        """A connection to ``target``'s warehouse. A warehouse that must exist beforehand
        (a DuckDB file) is created only when ``create`` is set."""

    def check_free(self, target: Target) -> None:  # noqa: B027 (only some engines lock)
        """Before dbt runs on ``target`` in this process: fail readably when another process
        holds the warehouse dbt would open."""

    def after_dbt(self) -> None:  # noqa: B027 (only some engines keep state)
        """After a dbt command in this process: release what dbt's adapter keeps open."""

    def location(self, target: Target, schema: str) -> str:
        """Where ``schema`` of ``target`` is, in words."""
        return f"schema {schema} of target {target.name}"


def refuse_type(target: Target, known: Sequence[str]) -> ScorehouseError:
    return ScorehouseError(
        f"target {target.name!r} has type {target.type!r}; scorehouse's Python steps run on "
        f"{', '.join(known)} (dbt alone can run on any adapter)"
    )
