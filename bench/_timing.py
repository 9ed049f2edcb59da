"""Timing helpers for benchmarks on a shared, noisy machine.

Absolute seconds mean little when other processes share the cores, so benchmarks report
ratios against a reference measured in the same run, interleave the runs they compare, and
keep the best of a few repeats (noise only ever adds time).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class TimedOut(Exception):
    """The measured work went past its time limit and was stopped."""


@dataclass
class Timing:
    best: float | None  # seconds; None when it failed
    runs: list[float]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.best is not None

    def show(self) -> str:
        return f"{self.best:.3f}s" if self.best is not None else f"FAILED ({self.error})"


def best_of(work: Callable[[], Any], repeat: int = 3) -> Timing:
    """The fastest of ``repeat`` runs of ``work`` (wall clock)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return Timing(min(runs), runs)


def duckdb_query(con: Any, sql: str, limit: float | None) -> float:
    """Run ``sql`` on a DuckDB connection; stop it with ``con.interrupt()`` past ``limit``."""
    timer = None
    fired = threading.Event()
    if limit is not None:

        def stop() -> None:
            fired.set()
            con.interrupt()

        timer = threading.Timer(limit, stop)
        timer.start()
    start = time.perf_counter()
    try:
        con.execute(sql)
    except Exception as error:
        if fired.is_set():
            raise TimedOut(f"over {limit:g}s") from error
        raise
    finally:
        if timer is not None:
            timer.cancel()
    return time.perf_counter() - start


def _child(path: str, work: Callable[[], Any]) -> None:
    try:
        result: tuple[str, Any] = ("ok", work())
    except BaseException as error:  # reported to the parent, which decides
        result = ("error", f"{type(error).__name__}: {error}")
    with open(path, "wb") as out:
        pickle.dump(result, out)


def in_subprocess(work: Callable[[], Any], limit: float) -> tuple[Any, float]:
    """Run ``work`` in a forked process (it sees this process's memory) and return its
    result and wall time; raise TimedOut, after killing it, if it takes over ``limit``."""
    ctx = multiprocessing.get_context("fork")
    fd, path = tempfile.mkstemp(suffix=".pickle")
    os.close(fd)
    try:
        process = ctx.Process(target=_child, args=(path, work))
        start = time.perf_counter()
        process.start()
        process.join(limit)
        elapsed = time.perf_counter() - start
        if process.is_alive():
            process.kill()
            process.join()
            raise TimedOut(f"over {limit:g}s")
        with open(path, "rb") as result_file:
            status, value = pickle.load(result_file)
        if status != "ok":
            raise RuntimeError(value)
        return value, elapsed
    finally:
        os.unlink(path)
