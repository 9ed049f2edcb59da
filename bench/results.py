"""Writes the results table of bench/README.md: the benchmarks at their full size, several
runs each, the best and the median of every ratio, with the machine, the library versions
and the date.

    .venv/bin/python bench/results.py                      # all of them, 3 runs each
    .venv/bin/python bench/results.py --only uplift --runs 5
    .venv/bin/python bench/results.py --rows 200000        # every benchmark at that size

A ratio is the reference's time over scorehouse's, both measured in the same run (above 1:
scorehouse is faster). The machines are shared: the load average before and after the runs
is written beside the table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import os
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
README = BENCH / "README.md"
START = "<!-- results: written by bench/results.py, do not edit by hand -->"
END = "<!-- end of results -->"
PACKAGES = (
    "duckdb", "dbt-core", "dbt-duckdb", "sqlglot", "scikit-learn", "numpy", "pandas",
    "statsmodels", "scikit-uplift",
)  # fmt: skip


@dataclass(frozen=True)
class Benchmark:
    module: str
    rows: int
    # each ratio of one run: name -> (scorehouse seconds, reference seconds, largest difference)
    ratios: Callable[[Any], dict[str, tuple[float, float, float]]]


def _monitoring(r: Any) -> dict[str, tuple[float, float, float]]:
    return {
        "monitoring: dbt models' SQL vs pandas + numpy + sklearn.metrics compute": (
            r.dbt_elapsed, r.pandas, max(r.differences.values()))
    }  # fmt: skip


def _uplift(r: Any) -> dict[str, tuple[float, float, float]]:
    reference = {
        "campaign lift": "pandas + statsmodels",
        "uplift by decile": "sklift uplift_by_percentile",
        "Qini": "sklift qini_auc_score + uplift_auc_score",
    }
    return {
        f"uplift, {group}: SQL vs {reference[group]}": (
            r.sql[group], r.python[group], r.differences[group])
        for group in r.sql
    }  # fmt: skip


def _gbm(r: Any) -> dict[str, tuple[float, float, float]]:
    from bench_compiler import largest_difference

    diff = largest_difference(r["check"])
    return {
        "GBM 100 trees x depth 3: DuckDB all threads vs predict_proba": (
            r["duck"].best, r["sk"].best, diff),
        "GBM 100 trees x depth 3: DuckDB one thread vs predict_proba": (
            r["duck1"].best, r["sk"].best, diff),
    }  # fmt: skip


BENCHMARKS = {
    "gbm": Benchmark("bench_compiler", 1_000_000, _gbm),
    "monitoring": Benchmark("bench_monitoring", 10_000_000, _monitoring),
    "uplift": Benchmark("bench_uplift", 10_000_000, _uplift),
}


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 1024**2:.1f} GiB memory"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def versions() -> str:
    found = [f"Python {platform.python_version()}"]
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{package} {metadata.version(package)}")
    return ", ".join(found)


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(names: list[str], runs: int, rows: int | None) -> list[tuple[str, int, list]]:
    """Each benchmark's ratios over ``runs`` runs: (name, rows, [(ours, reference, diff)])."""
    measured = []
    for name in names:
        bench = BENCHMARKS[name]
        module = load(bench.module)
        size = rows or bench.rows
        per_ratio: dict[str, list[tuple[float, float, float]]] = {}
        for _ in range(runs):
            for ratio, values in bench.ratios(module.run(size)).items():
                per_ratio.setdefault(ratio, []).append(values)
        measured += [(ratio, size, values) for ratio, values in per_ratio.items()]
    return measured


def table(measured: list[tuple[str, int, list]], before: str, after: str) -> str:
    lines = [
        START,
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}.",
        f"Versions: {versions()}.",
        f"Load average (1 / 5 / 15 min) before the runs {before}, after {after}.",
        "",
        "| work | rows | runs | scorehouse s (median) | reference s (median) "
        "| ratio best | ratio median | largest difference |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, rows, values in measured:
        ratios = [reference / ours for ours, reference, _ in values]
        lines.append(
            f"| {name} | {rows:,} | {len(values)} "
            f"| {statistics.median(v[0] for v in values):.2f} "
            f"| {statistics.median(v[1] for v in values):.2f} "
            f"| {max(ratios):.2f}x | {statistics.median(ratios):.2f}x "
            f"| {max(v[2] for v in values):.1e} |"
        )
    return "\n".join([*lines, "", END])


def write(readme: Path, text: str) -> None:
    """Replace the results section of ``readme`` (or append one) with ``text``."""
    current = readme.read_text()
    if START in current and END in current:
        head, rest = current.split(START, 1)
        tail = rest.split(END, 1)[1]
        readme.write_text(head + text + tail)
    else:
        readme.write_text(current.rstrip("\n") + "\n\n## Results\n\n" + text + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated names")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=None, help="one size for every benchmark")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    before = load_average()
    measured = measure(names, args.runs, args.rows)
    text = table(measured, before, load_average())
    write(args.readme, text)
    print(text)


if __name__ == "__main__":
    main()
