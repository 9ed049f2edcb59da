"""Every benchmark under bench/ at a smoke size: it runs, and its two sides agree.

Times are never checked here (the machines are shared); the full sizes and the ratios are
in bench/README.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # bench/ is a folder of scripts, as they run themselves

import results  # noqa: E402
from results import load  # noqa: E402


def test_monitoring_benchmark_agrees_with_pandas():
    bench = load("bench_monitoring")
    run = bench.run(rows=20_000)
    assert set(run.differences) == {
        "score psi",
        "feature psi",
        "null rate",
        "quality",
        "calibration",
    }
    assert max(run.differences.values()) < 1e-9, run.differences
    assert run.dbt_elapsed > 0 and run.pandas > 0


def test_uplift_benchmark_agrees_with_statsmodels_and_scikit_uplift():
    bench = load("bench_uplift")
    run = bench.run(rows=20_000)
    assert set(run.differences) == set(bench.GROUPS)
    assert max(run.differences.values()) < 1e-9, run.differences
    assert all(run.sql[g] > 0 and run.python[g] > 0 for g in bench.GROUPS)


def test_the_results_command_writes_the_table_into_the_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Benchmarks\n\nbefore\n\n{results.START}\nold table\n{results.END}\n\nafter\n"
    )
    results.main(["--only", "uplift", "--runs", "2", "--rows", "5000", "--readme", str(readme)])
    text = readme.read_text()
    assert "old table" not in text and text.count(results.START) == 1
    assert text.startswith("# Benchmarks\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    rows = [line for line in text.splitlines() if line.startswith("| uplift, ")]
    assert len(rows) == 3 and all("| 5,000 | 2 |" in row for row in rows)
    assert "duckdb " in text and "Load average" in text


def test_loop_benchmark_times_every_step_of_the_demo():
    from scorehouse.demo_run import STEPS

    bench = load("bench_loop")
    stages = bench.run(customers=300)
    assert [s.name for s in stages] == [step.__name__ for step in STEPS]
    assert all(s.seconds > 0 and s.peak_mib > 0 for s in stages)


def _run_script(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=900,
    )
    # the compiler benchmark exits 1 when a case misses a time limit: times are not checked
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def _exactness(output: str) -> list[tuple[float, str]]:
    """Each ``max|diff| X, labels Y`` line of a scoring benchmark."""
    found = re.findall(r"max\|diff\| ([0-9.e+-]+)(?:, labels (\w+))?", output)
    return [(float(diff), labels) for diff, labels in found]


def test_compiler_benchmark_scores_equal_scikit_learn():
    output = _run_script("bench_compiler.py", "--quick", "--only", "gbm,logistic,rfr_8")
    checks = _exactness(output)
    assert len(checks) == 3, output
    assert all(diff <= 1e-9 and labels in ("", "equal") for diff, labels in checks), output


def test_spark_benchmark_scores_equal_scikit_learn():
    output = _run_script("bench_spark.py", "--rows", "5000")
    checks = _exactness(output)
    assert len(checks) >= 2, output  # DuckDB and every Spark variant
    assert all(diff <= 1e-9 and labels == "equal" for diff, labels in checks), output


def test_demo_data_benchmark_writes_every_table():
    output = _run_script("bench_demo_data.py", "--customers", "1000")
    assert "demo-data benchmark: 1,000 customers" in output
    assert re.search(r"total\s+[\d,]+\n", output), output
