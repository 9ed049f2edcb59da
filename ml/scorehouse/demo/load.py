"""``demo-data`` as a library call: generate the retailer into the current dbt target."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scorehouse.demo.simulate import check_customers, cutoff_dates, generate
from scorehouse.demo.write import Progress, WriteReport, write_batches
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target
from scorehouse.warehouse import connect, duckdb_path

RAW_SCHEMA_VAR = "scorehouse_raw_schema"


def project_cutoffs(project: Project) -> tuple[dt.date, ...]:
    """The monthly cutoffs set by the dbt vars ``scorehouse_cutoff_start`` / ``_end``."""
    start = _date_var(project, "scorehouse_cutoff_start", "2025-01-01")
    end = _date_var(project, "scorehouse_cutoff_end", "2025-09-01")
    return cutoff_dates(start, end)


def raw_schema(project: Project) -> str:
    return str(project.var(RAW_SCHEMA_VAR, "raw"))


def where(target: Target, schema: str) -> str:
    """A readable description of where the tables go."""
    if target.type == "duckdb":
        return f"schema {schema} of {duckdb_path(target)} (target {target.name})"
    s = target.settings
    if target.type == "spark":
        folder = (s.get("server_side_parameters") or {}).get("spark.sql.warehouse.dir", "")
        return f"database {schema} of the Spark warehouse {folder} (target {target.name})"
    return (
        f"schema {schema} of database {s.get('dbname') or s.get('database')} on "
        f"{s.get('host')}:{s.get('port')} (target {target.name})"
    )


def load_demo(
    project: Project,
    target: Target,
    customers: int,
    seed: int,
    schema: str | None = None,
    progress: Progress | None = None,
) -> WriteReport:
    """Generate ``customers`` customers with ``seed`` and replace the raw tables with them."""
    check_customers(customers)  # before touching the warehouse
    cutoffs = project_cutoffs(project)
    schema = schema or raw_schema(project)
    con: Any = connect(target, create=True)
    try:
        batches = generate(customers, seed, cutoffs)
        return write_batches(con, batches, schema, progress)
    finally:
        con.disconnect()


def _date_var(project: Project, name: str, default: str) -> dt.date:
    value = project.var(name, default)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ScorehouseError(
            f"dbt var {name} should be a date like 2025-01-01, not {value!r}"
        ) from None
