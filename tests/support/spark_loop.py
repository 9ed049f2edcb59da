"""A dbt profile output for the Spark target that shares the test process's SparkSession.

The ``spark_session`` fixture (``tests/conftest.py``, built by ``tests/support/spark.py``)
starts the one SparkSession of the pytest process, with its Derby metastore and warehouse
folder in a scratch folder. dbt-spark's ``session`` method and scorehouse's Spark connection
both call ``getOrCreate()``, which returns that session: the static settings of the profile
(warehouse folder, metastore URL) cannot change it. The output built here therefore names
the same scratch folder, so the profile says what the session really uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse


def scratch_of(spark: Any) -> Path:
    """The scratch folder of a session started by ``tests.support.spark.start_session``:
    the parent of its warehouse folder."""
    warehouse = spark.conf.get("spark.sql.warehouse.dir")
    path = urlparse(warehouse).path if warehouse.startswith("file:") else warehouse
    return Path(path).parent


def spark_output(scratch: Path, schema: str = "analytics") -> dict[str, Any]:
    """A ``spark`` output (dbt-spark's session method) like ``profiles.example.yml``'s, with
    its metastore, warehouse and derby.log under ``scratch``."""
    return {
        "type": "spark",
        "method": "session",
        "host": "NA",
        "schema": schema,
        "threads": 1,
        "server_side_parameters": {
            "spark.master": "local[2]",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.warehouse.dir": f"{scratch}/warehouse",
            "spark.hadoop.javax.jdo.option.ConnectionURL": (
                f"jdbc:derby:;databaseName={scratch}/metastore_db;create=true"
            ),
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={scratch}",
        },
    }
