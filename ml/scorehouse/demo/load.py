"""``demo-data`` as a library call: generate the retailer into the current dbt target."""

from __future__ import annotations

import datetime as dt

from scorehouse.demo.simulate import check_customers, cutoff_dates, generate
from scorehouse.demo.write import Progress, WriteReport, write_batches
from scorehouse.engines import connect, engine_of
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target

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
    return engine_of(target).location(target, schema)


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
    with connect(target, create=True) as con:
        return write_batches(con, generate(customers, seed, cutoffs), schema, progress)


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
