"""``scorehouse export``: one audience's syncable rows to a CSV or Parquet file, for teams
without a reverse-ETL tool.

The file appears whole or not at all: rows are written to a hidden temporary file beside
the destination, flushed to disk, then renamed over it in one step. A crash or Ctrl-C while
writing leaves the previous file (if any) as it was and no partial file under the name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from scorehouse.engines import connect, qualified
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target
from scorehouse.segments.audiences import SYNC_VIEW, declared_audiences

FORMATS = ("csv", "parquet")
HISTORY = "seg_membership_history"


@dataclass(frozen=True)
class Export:
    audience: str
    path: Path
    rows: int


def read_audience(target: Target, audience: str, allow_empty: bool = False) -> pa.Table:
    """The audience's rows of the sync view, in member_key order.

    An audience that never had a member (its model was never scored, so the segments left
    it out) is an error rather than an empty file, unless ``allow_empty``."""
    schema = target.schema
    with connect(target) as con:
        built = set(con.relation_columns(schema, [SYNC_VIEW, HISTORY]))
        if SYNC_VIEW not in built:
            raise ScorehouseError(
                f"{SYNC_VIEW} is not built in {schema}: build the segments first "
                "(dbt build --select scorehouse.segments)"
            )
        rows = con.read_arrow(
            f"SELECT * FROM {qualified(schema, SYNC_VIEW)} WHERE audience = ? "
            "ORDER BY member_key",
            [audience],
        )
        if rows.num_rows or allow_empty:
            return rows
        ever = 0
        if HISTORY in built:
            ever = con.fetchall(
                f"SELECT count(*) FROM {qualified(schema, HISTORY)} WHERE audience = ?",
                [audience],
            )[0][0]
        if not ever:
            raise ScorehouseError(
                f"audience {audience!r} is declared but has never had a member in "
                f"{schema}: it is built once the model it selects by is scored "
                "(dbt build after `scorehouse train`), then `dbt build --select "
                "scorehouse.segments`. To write an empty file anyway, pass --allow-empty"
            )
        return rows


def _write(table: pa.Table, fmt: str, handle: Any) -> None:
    if fmt == "csv":
        import pyarrow.csv as csv

        csv.write_csv(table, handle)
    else:
        import pyarrow.parquet as parquet

        parquet.write_table(table, handle)


def write_atomically(table: pa.Table, fmt: str, path: Path) -> None:
    """Write ``table`` to ``path`` so that ``path`` only ever holds a complete file."""
    if fmt not in FORMATS:
        raise ScorehouseError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _write(table, fmt, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # the rename itself survives a power cut once the folder is on disk too
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def export_audience(
    project: Project,
    target: Target,
    audience: str,
    fmt: str,
    path: Path,
    allow_empty: bool = False,
) -> Export:
    """Write ``audience``'s syncable rows (no holdout, consent checked) to ``path``."""
    declared = declared_audiences(project)
    if audience not in declared:
        known = ", ".join(sorted(declared)) or "none"
        raise ScorehouseError(f"no audience {audience!r} is declared; declared: {known}")
    table = read_audience(target, audience, allow_empty)
    try:
        write_atomically(table, fmt, path)
    except OSError as error:
        raise ScorehouseError(f"cannot write {path}: {error.strerror or error}") from error
    return Export(audience, path, table.num_rows)
