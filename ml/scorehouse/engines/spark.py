"""Apache Spark in local mode, through the process's own SparkSession (dbt-spark's
``session`` method; see :mod:`scorehouse.engines.spark_session`).

Spark's parquet tables take no UPDATE, DELETE or transaction: :mod:`spark_statements` runs
scorehouse's statements as table rewrites and undoes a failed block from copies. Raw tables
are loaded beside the live ones and swapped by renames, renaming back when a rename fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from scorehouse.engines import spark_session
from scorehouse.engines.base import Connection, Engine
from scorehouse.engines.spark_statements import SparkStatements
from scorehouse.errors import ScorehouseError
from scorehouse.project import Target

OLD_SUFFIX = "__scorehouse_old"


def _name(schema: str, name: str) -> str:
    return f"`{schema}`.`{name}`"


class SparkConnection(Connection):
    def __init__(self, engine: Engine, target: Target, spark: Any):
        super().__init__(engine, target)
        self.spark = spark
        self.statements = SparkStatements(spark)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.statements.run(sql, params, fetch=True)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.statements.run(sql, params, fetch=False)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.statements.insert_rows(sql, rows)

    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self.statements.frame(sql, params).toArrow()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """No transactions on Spark: an exception inside restores, from copies, the tables
        written inside (see :mod:`spark_statements`)."""
        with self.statements.transaction():
            yield

    def relation_columns(
        self, schema: str, only: Sequence[str] | None = None
    ) -> dict[str, set[str]]:
        return self.statements.relation_columns(schema, only)

    def schema_exists(self, schema: str) -> bool:
        return bool(self.spark.catalog.databaseExists(schema))

    def add_missing_columns(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        self.statements.add_missing_columns(table, columns)

    def create_table_like(self, schema: str, name: str, arrow_schema: pa.Schema) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        empty = self.spark.createDataFrame([], from_arrow_schema(arrow_schema))
        empty.write.format("parquet").saveAsTable(_name(schema, name))

    def append_arrow(self, schema: str, name: str, table: pa.Table) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        # the Arrow table as it is (pyspark 4 reads one): no per-row conversion, and no
        # detour through pandas, whose Arrow-backed strings pyspark's converter refuses
        frame = self.spark.createDataFrame(table, from_arrow_schema(table.schema))
        frame.write.insertInto(_name(schema, name))

    def swap_tables(self, schema: str, renames: Sequence[tuple[str, str]]) -> None:
        """Renames, each a metastore operation: the live tables are renamed aside, the
        loading ones into place; if any rename fails, those done are renamed back, so the
        previous tables stay live. Only then are the old ones dropped. A process killed in
        the middle can leave a table under its ``__scorehouse_old`` name: the next load
        drops it (:meth:`drop_leftovers`)."""
        live = {t.name for t in self.spark.catalog.listTables(schema)}
        moved: list[str] = []
        swapped: list[tuple[str, str]] = []
        try:
            for name, loading in renames:
                if name in live:
                    self._rename(schema, name, name + OLD_SUFFIX)
                    moved.append(name)
                self._rename(schema, loading, name)
                swapped.append((name, loading))
        except BaseException:
            for name, loading in swapped:
                self._rename(schema, name, loading)
            for name in moved:
                self._rename(schema, name + OLD_SUFFIX, name)
            raise
        for name in moved:
            self.spark.sql(f"DROP TABLE IF EXISTS {_name(schema, name + OLD_SUFFIX)}")

    def drop_leftovers(self, schema: str, names: Sequence[str]) -> None:
        for name in names:
            self.spark.sql(f"DROP TABLE IF EXISTS {_name(schema, name + OLD_SUFFIX)}")

    def _rename(self, schema: str, old: str, new: str) -> None:
        self.spark.sql(f"ALTER TABLE {_name(schema, old)} RENAME TO {_name(schema, new)}")

    def close(self) -> None:
        """The SparkSession belongs to the whole process (dbt runs in it too, and a new one
        would boot the metastore again): it stays up."""


class SparkEngine(Engine):
    adapter = "spark"
    dialect = "spark"
    types = {
        "text": "STRING",
        "integer": "INT",
        "bigint": "BIGINT",
        "double": "DOUBLE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
    }

    def connect(self, target: Target, *, create: bool = False) -> Connection:
        method = target.settings.get("method", "session")
        if method != "session":
            raise ScorehouseError(
                f"target {target.name!r} reaches Spark with method {method!r}; scorehouse's "
                "Python steps run only on dbt-spark's 'session' method (a local SparkSession). "
                "Run dbt alone against this target, or give scorehouse a session target"
            )
        return SparkConnection(self, target, spark_session.session(target))

    def check_free(self, target: Target) -> None:
        spark_session.check_free(target)

    def location(self, target: Target, schema: str) -> str:
        folder = (target.settings.get("server_side_parameters") or {}).get(
            "spark.sql.warehouse.dir", ""
        )
        return f"database {schema} of the Spark warehouse {folder} (target {target.name})"
