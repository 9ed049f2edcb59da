"""Benchmark ``demo-data``: generate and write N customers (default 1,000,000) to DuckDB.

    .venv/bin/python bench/bench_demo_data.py [--customers N] [--seed S]

Prints the rows of each table, rows per second for generation and for writing, and, as a
yardstick measured in the same run on the same machine, the time DuckDB itself takes to
copy the written tables (``CREATE TABLE ... AS SELECT``). The DuckDB file lives in a
temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from scorehouse.demo import generate, write_batches
from scorehouse.engines import connect
from scorehouse.project import Target


def _copy_seconds(con, tables: list[str]) -> float:
    """Wall time for DuckDB to copy every table with CREATE TABLE AS SELECT."""
    con.execute("CREATE SCHEMA reference_copy")
    started = time.perf_counter()
    for name in tables:
        con.execute(f'CREATE TABLE reference_copy."{name}" AS SELECT * FROM raw."{name}"')
    return time.perf_counter() - started


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        path = Path(folder) / "bench.duckdb"
        output = {"type": "duckdb", "path": str(path), "schema": "raw"}
        con = connect(Target("bench", "bench", output, path, Path(folder)), create=True)
        started = time.perf_counter()
        report = write_batches(
            con,
            generate(args.customers, args.seed),
            "raw",
            progress=lambda message: print(message, file=sys.stderr, flush=True),
        )
        total_seconds = time.perf_counter() - started
        peak_mb = _peak_memory_mb()  # before the reference copy, which has its own peak
        reference = _copy_seconds(con, list(report.rows))
        version = duckdb.__version__
        size_mb = path.stat().st_size / 1e6
        con.close()

    rows = report.total_rows
    writing = report.seconds_loading + report.seconds_publishing
    width = max(map(len, report.rows))
    print(f"demo-data benchmark: {args.customers:,} customers, seed {args.seed}, DuckDB {version}")
    for name, count in report.rows.items():
        print(f"  {name:<{width}}  {count:>13,}")
    print(f"  {'total':<{width}}  {rows:>13,}")
    generating = report.seconds_generating
    print(f"generation  {generating:7.1f} s  {rows / generating:>12,.0f} rows/s")
    print(
        f"writing     {writing:7.1f} s  {rows / writing:>12,.0f} rows/s  (loading "
        f"{report.seconds_loading:.1f} s, publishing {report.seconds_publishing:.1f} s)"
    )
    print(f"total       {total_seconds:7.1f} s  {rows / total_seconds:>12,.0f} rows/s")
    print(
        f"reference: DuckDB CREATE TABLE AS SELECT of the same tables {reference:.1f} s; "
        f"demo-data total / reference = {total_seconds / reference:.1f}x, "
        f"writing / reference = {writing / reference:.1f}x"
    )
    print(
        f"DuckDB file {size_mb:,.0f} MB; peak resident memory {peak_mb:,.0f} MB while "
        f"generating and writing, {_peak_memory_mb():,.0f} MB with the reference copy"
    )


if __name__ == "__main__":
    main()
