"""Loop benchmark: ``scorehouse demo`` on DuckDB at several sizes, each stage's time and
peak memory.

    .venv/bin/python bench/bench_loop.py                          # 20,000, 200,000, 1,000,000
    .venv/bin/python bench/bench_loop.py --customers 20000,200000

Each size runs the demo's steps (``scorehouse.demo_run.STEPS``: data, features, training,
scoring, segments, monitoring, uplift, reports) in a fresh copy of the example project, in
this process, the way ``scorehouse demo`` does. Peak memory is the largest resident set of
the process while the step ran (sampled every 20 ms: Python, dbt and the embedded DuckDB
together). The growth column divides each step's time per customer by its time per customer
at the smallest size: 1 or less means the step grows linearly or better.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.project import copy_project, duckdb_output, target_of  # noqa: E402

from scorehouse.demo_run import STEPS, DemoRun  # noqa: E402

SEED = 7


class PeakMemory:
    """The largest resident set size of this process while the block runs, in MiB."""

    def __init__(self, every: float = 0.02):
        self.every = every
        self.peak = 0.0
        self._stop = threading.Event()

    @staticmethod
    def resident() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.resident())

    def __enter__(self) -> PeakMemory:
        self.peak = self.resident()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.resident())


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mib: float


def run(customers: int) -> list[Stage]:
    """The demo's steps at ``customers``, each timed and its peak memory taken."""
    with tempfile.TemporaryDirectory(prefix="bench-loop-") as folder:
        root = Path(folder)
        project = copy_project(root, {"duckdb": duckdb_output(root / "warehouse.duckdb")})
        demo = DemoRun(project, target_of(project), customers, SEED, echo=lambda _: None)
        stages = []
        for step in STEPS:
            with PeakMemory() as memory:
                started = time.perf_counter()
                step(demo)
                seconds = time.perf_counter() - started
            stages.append(Stage(step.__name__, seconds, memory.peak))
        return stages


def report(by_size: dict[int, list[Stage]]) -> None:
    sizes = sorted(by_size)
    smallest = sizes[0]
    base = {s.name: s.seconds / smallest for s in by_size[smallest]}
    header = "".join(f"{n:>24,}" for n in sizes)
    print(f"{'step':<22}{header}   (seconds, peak MiB, growth per customer)")
    names = [s.name for s in by_size[smallest]]
    for index, name in enumerate(names):
        cells = []
        for n in sizes:
            stage = by_size[n][index]
            growth = stage.seconds / n / base[name] if base[name] else float("nan")
            cells.append(f"{stage.seconds:8.1f}s {stage.peak_mib:6.0f}M {growth:5.2f}x")
        print(f"{name:<22}" + "".join(f"{c:>24}" for c in cells))
    totals = "".join(f"{sum(s.seconds for s in by_size[n]):>23.1f}s" for n in sizes)
    print(f"{'total':<22}{totals}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", default="20000,200000,1000000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.customers.split(",")]
    report({n: run(n) for n in sizes})


if __name__ == "__main__":
    main()
