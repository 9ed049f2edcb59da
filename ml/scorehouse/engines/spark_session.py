"""The local SparkSession of a ``spark`` target (dbt-spark's ``session`` method).

dbt-spark's session method builds its session with
``SparkSession.builder.enableHiveSupport()``, the target's ``server_side_parameters`` as
configs, and ``getOrCreate()``. scorehouse builds it the same way, so whichever of the two
comes first in a process creates the session and the other one shares it: dbt and
scorehouse then see the same metastore and warehouse folder. Static settings (the
warehouse folder, the metastore URL, the driver's Java options) are fixed by the first
one; a process holds one session.

The embedded Derby metastore admits one process at a time. Before starting Spark, the
metastore folder's lock file is tried, so that a second process gets an error naming the
folder instead of Hive's long traceback.
"""

from __future__ import annotations

import fcntl
import re
from pathlib import Path
from typing import Any

from scorehouse.errors import ScorehouseError
from scorehouse.project import Target

_DERBY_URL = re.compile(r"databaseName=([^;]+)")


def parameters(target: Target) -> dict[str, str]:
    """The target's ``server_side_parameters`` as strings, with ANSI mode off as dbt-spark
    sets it for its own sessions (so SQL run by scorehouse behaves as it does under dbt)."""
    params = {
        str(k): str(v) for k, v in (target.settings.get("server_side_parameters") or {}).items()
    }
    params["spark.sql.ansi.enabled"] = "false"
    return params


def metastore_dir(target: Target) -> Path | None:
    """The Derby metastore folder the target's ConnectionURL names, if it names one."""
    url = parameters(target).get("spark.hadoop.javax.jdo.option.ConnectionURL", "")
    match = _DERBY_URL.search(url) if url.startswith("jdbc:derby:") else None
    return Path(match.group(1)) if match else None


def check_metastore_unlocked(path: Path | None) -> None:
    """Raise a readable error when another process has the Derby metastore at ``path``.

    Derby holds an exclusive (POSIX) lock on ``dbex.lck`` while a JVM has the database
    booted; a stale ``db.lck`` left by a killed process holds no lock and does not count.
    """
    if path is None:
        return
    lock = path / "dbex.lck"
    if not lock.is_file():
        return
    with open(lock, "r+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ScorehouseError(
                f"the Spark metastore {path} is in use by another process (a running dbt, "
                "scorehouse, notebook or test): Derby admits one Spark process at a time. "
                "Stop it, or point SCOREHOUSE_SPARK_DIR at another folder."
            ) from None
        fcntl.lockf(handle, fcntl.LOCK_UN)


def active_session() -> Any:
    """The SparkSession already running in this process, or None.

    ``SparkSession.getActiveSession()`` only sees a session made active in the calling
    thread, and dbt runs its nodes in worker threads: the process's SparkContext tells."""
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    if SparkContext._active_spark_context is None:
        return None
    return SparkSession.builder.getOrCreate()


def session(target: Target) -> Any:
    """The process's SparkSession for ``target``: the running one, or a new one built from
    the target's settings exactly as dbt-spark's session method builds it."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ScorehouseError(
            f"target {target.name!r} is a Spark target, but pyspark is not installed: "
            "pip install -e '.[spark]'"
        ) from error
    running = active_session()
    if running is not None:
        return running
    check_metastore_unlocked(metastore_dir(target))
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in parameters(target).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as error:
        raise ScorehouseError(
            f"cannot start Spark for target {target.name!r}: {error} (is Java 17 installed?)"
        ) from error
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def check_free(target: Target) -> None:
    """Before this process starts Spark for ``target``: fail, naming the metastore folder,
    when another process has it. Nothing to check once this process runs Spark."""
    if active_session() is None:
        check_metastore_unlocked(metastore_dir(target))
