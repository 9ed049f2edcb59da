"""A local Spark session for the test suite, with its metastore kept in a scratch folder.

Spark with Hive support keeps a Derby metastore (``metastore_db``), a warehouse folder and a
``derby.log``; by default all three land in the current directory. Here they go into the
folder the caller gives (a pytest scratch folder), through the same three settings as the
``spark`` output of ``profiles.example.yml``.

Derby's embedded metastore takes one process at a time, and a JVM holds one SparkContext:
build the session once per process (the ``spark_session`` fixture in ``tests/conftest.py``
does) and let every user share it. dbt-spark's ``session`` method calls
``SparkSession.builder....enableHiveSupport().getOrCreate()``, which returns this session when
it runs in the same process.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tests.support.frames import column_type

MASTER = "local[2]"
SHUFFLE_PARTITIONS = 2


def session_conf(scratch: Path) -> dict[str, str]:
    """The settings of the test session; ``scratch`` holds the metastore and warehouse."""
    scratch = Path(scratch).resolve()
    return {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(SHUFFLE_PARTITIONS),
        "spark.sql.session.timeZone": "UTC",  # as the spark output of profiles.example.yml
        "spark.default.parallelism": str(SHUFFLE_PARTITIONS),
        "spark.sql.warehouse.dir": f"{scratch}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={scratch}/metastore_db;create=true"
        ),
        # derby.log is written to derby.system.home (the working directory when unset)
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={scratch}",
        # dbt-spark turns ANSI mode off for its sessions and Spark 4 defaults it on; the
        # tests run the SQL dbt would run, so they use dbt-spark's setting
        "spark.sql.ansi.enabled": "false",
    }


def start_session(
    scratch: Path, app_name: str = "scorehouse-tests", extra: dict[str, str] | None = None
) -> Any:
    """A local[2] SparkSession with Hive support; its metastore lives under ``scratch``.

    ``extra`` adds or overrides settings (e.g. ``spark.driver.memory`` for a benchmark).
    """
    from pyspark.sql import SparkSession

    Path(scratch).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.master(MASTER).appName(app_name)
    for key, value in {**session_conf(scratch), **(extra or {})}.items():
        builder = builder.config(key, value)
    spark = builder.enableHiveSupport().getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _cell(v: Any, kind: str) -> Any:
    if v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    if kind == "double":
        return float(v)
    if kind == "bigint":
        return int(v)
    if kind == "boolean":
        return bool(v)
    return str(v)


def to_spark(spark: Any, frame: pd.DataFrame) -> Any:
    """``frame`` as a Spark DataFrame with an explicit schema; NaN and None become NULL.

    Rows go through Python floats, so every double arrives bit for bit.
    """
    kinds = [column_type(frame[c]) for c in frame.columns]
    schema = ", ".join(f"`{c}` {k}" for c, k in zip(frame.columns, kinds, strict=True))
    rows = [
        tuple(_cell(v, k) for v, k in zip(row, kinds, strict=True))
        for row in frame.itertuples(index=False, name=None)
    ]
    return spark.createDataFrame(rows, schema=schema)


# One line per whole-stage-codegen subtree in ``explain("codegen")``; Spark compiles the
# generated class to print it, and shows -1 when the class does not compile (a method over
# the JVM's 64 KB).
# HotSpot does not JIT-compile a method over this many bytes of bytecode (its
# HugeMethodLimit, unless -XX:-DontCompileHugeMethods): such a method stays in the JVM's
# bytecode interpreter. Spark's spark.sql.codegen.hugeMethodLimit defaults to 65535.
JIT_METHOD_LIMIT = 8000
_SUBTREE = re.compile(r"== Subtree \d+ / \d+ \(maxMethodCodeSize:(-?\d+);")


@dataclass(frozen=True)
class Codegen:
    """What whole-stage code generation makes of a query's physical plan."""

    method_sizes: tuple[int, ...]  # largest method of each subtree, bytes of bytecode; -1: none
    huge_method_limit: int  # spark.sql.codegen.hugeMethodLimit

    @property
    def subtrees(self) -> int:
        return len(self.method_sizes)

    @property
    def falls_back(self) -> bool:
        """Whether Spark runs some subtree interpreted instead of as generated code.

        The rule of Spark's WholeStageCodegenExec: a subtree whose class does not compile,
        or whose largest method is over ``hugeMethodLimit``, runs its children's own
        (non-whole-stage) code; Spark logs "disabled for plan" or "hugeMethodLimit".
        """
        return any(s < 0 or s > self.huge_method_limit for s in self.method_sizes)

    @property
    def over_jit_limit(self) -> bool:
        """Whether a generated method that does run is too big for the JIT to compile."""
        return any(JIT_METHOD_LIMIT < s <= self.huge_method_limit for s in self.method_sizes)


def _explain(df: Any, mode: str) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        df.explain(mode)
    return buffer.getvalue()


def codegen(df: Any) -> Codegen:
    """Compile ``df``'s whole-stage-codegen subtrees (as ``explain("codegen")`` does).

    Under adaptive execution a plan with joins or shuffles has its stages only once the
    query has run: run it first (``collect``), then ask; asking before raises.
    """
    sizes = tuple(int(m) for m in _SUBTREE.findall(_explain(df, "codegen")))
    if not sizes and "isFinalPlan=false" in _explain(df, "simple"):
        raise ValueError("adaptive plan not final yet: run the query, then read its codegen")
    limit = int(df.sparkSession.conf.get("spark.sql.codegen.hugeMethodLimit"))
    return Codegen(sizes, limit)
