"""A throw-away copy of the demo retailer's dbt project, with its own profiles.yml and
warehouse.

Tests never touch the checkout's warehouse, artifacts or generated scoring models: the
example project (examples/retailer) is copied into a temporary folder, with a profile whose
outputs point at a DuckDB file in that folder or at a database of the suite's PostgreSQL
server. The copy installs the scorehouse dbt package from the checkout by its path, with
`dbt deps`, as the example itself does.

A toy project (one small table, one model spec, no dbt models) serves the lifecycle tests
that need a warehouse but not dbt.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

from scorehouse.engines import connect, qualified, quote
from scorehouse.project import Project, Target, find_project, resolve_target
from tests.support.postgres import PostgresServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "retailer"
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "data-tests", "analyses")
# Written by `scorehouse compile` in the checkout: a copy starts without any.
GENERATED = "generated"


def duckdb_output(path: Path, schema: str = "main", threads: int = 2) -> dict[str, Any]:
    return {"type": "duckdb", "path": str(path), "schema": schema, "threads": threads}


def postgres_output(db: PostgresServer, schema: str = "analytics") -> dict[str, Any]:
    return {
        "type": "postgres",
        "host": db.host,
        "port": db.port,
        "user": db.user,
        "password": db.password,
        "dbname": db.dbname,
        "schema": schema,
        "threads": 2,
    }


def write_profile(dest: Path, outputs: dict[str, dict]) -> None:
    """``dest/profiles.yml`` for profile scorehouse; the first output is the default."""
    profiles = {"scorehouse": {"target": next(iter(outputs)), "outputs": outputs}}
    (dest / "profiles.yml").write_text(yaml.safe_dump(profiles))


def copy_project(dest: Path, outputs: dict[str, dict]) -> Project:
    """The demo retailer's project copied into ``dest``, with a profiles.yml holding
    ``outputs`` (the first one is the default target), its seeds read from the checkout and
    the scorehouse package installed from the checkout (``dbt deps``)."""
    for part in PROJECT_PARTS:
        source = EXAMPLE / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns(GENERATED))
        else:
            shutil.copy(source, dest / part)
    # the example reads the repository's seeds/ by a relative path: the copy holds its own
    # (dbt writes beside a seed's path, so an absolute one would point it at the checkout)
    shutil.copytree(REPO / "seeds", dest / "seeds")
    config = yaml.safe_load((dest / "dbt_project.yml").read_text())
    config["seed-paths"] = ["seeds"]
    (dest / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    install_package(dest)
    write_profile(dest, outputs)
    return find_project(dest)


def install_package(project_root: Path) -> None:
    """packages.yml naming the checkout, then ``dbt deps`` (which links the package)."""
    from dbt.cli.main import dbtRunner

    (project_root / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(REPO)}]}))
    outcome = dbtRunner().invoke(["--quiet", "deps", "--project-dir", str(project_root)])
    assert outcome.success, f"dbt deps failed in {project_root}: {outcome.exception}"


def project_on(request: Any, root: Path, database: str) -> Project:
    """The project copied into ``root``, on the engine ``request.param`` names: a DuckDB file
    in ``root``, or ``database`` on the suite's PostgreSQL server."""
    backend = request.param
    if backend == "duckdb":
        output = duckdb_output(root / "warehouse.duckdb")
    else:
        db = request.getfixturevalue("postgres_server").create_database(database)
        output = postgres_output(db)
    return copy_project(root, {backend: output})


def output_target(output: dict[str, Any], folder: Path, name: str = "dev") -> Target:
    """A target of ``output``'s settings, for tests that need a warehouse but no project."""
    return Target("scorehouse", name, output, folder / "profiles.yml", folder)


def target_of(project: Project, name: str | None = None) -> Target:
    return resolve_target(project, name, project.root)


def edit_spec(project: Project, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to the ``meta.scorehouse`` block of model ``<name>_scores`` in the
    copy's ``models/ml/<name>.yml``."""
    path = project.root / "models" / "ml" / f"{name}.yml"
    document = yaml.safe_load(path.read_text())
    (model,) = [m for m in document["models"] if m["name"] == f"{name}_scores"]
    change(model["config"]["meta"]["scorehouse"])
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def drop_audiences(project: Project, model: str) -> None:
    """Remove the copy's audiences that select by ``model``'s scores (for tests that leave
    that model out)."""
    path = project.root / "models" / "segments" / "audiences.yml"
    document = yaml.safe_load(path.read_text())
    document["exposures"] = [
        e
        for e in document["exposures"]
        if (e.get("meta") or {}).get("scorehouse_audience", {}).get("model") != model
    ]
    path.write_text(yaml.safe_dump(document, sort_keys=False))


class Warehouse:
    """Reads tables of a target's warehouse into pandas, each call on a connection of its
    own (closed at once, so that dbt can open a DuckDB file next)."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def read(self, schema: str, name: str) -> pd.DataFrame:
        with connect(self.target) as con:
            table = con.read_arrow(f"SELECT * FROM {qualified(schema, name)}")
        return table.to_pandas(date_as_object=False)

    def execute(self, *statements: str) -> None:
        with connect(self.target) as con:
            for sql in statements:
                con.execute(sql)


# ---------------------------------------------------------------------------------------
# A toy project: one small table and one spec, no dbt models, for fast lifecycle tests

TOY_CUTOFFS = ("2025-01-01", "2025-02-01", "2025-03-01")
TOY_SCHEMA = pa.schema(
    [
        ("customer_id", pa.int64()),
        ("cutoff_date", pa.date32()),
        ("x1", pa.float64()),
        ("x2", pa.float64()),
        ("seg", pa.string()),
        ("rule_score", pa.float64()),
        ("label", pa.int64()),
    ]
)
TOY_SPEC: dict[str, Any] = {
    "task": "binary",
    "description": "Who answers the toy offer.",
    "decisions": ["who gets the toy offer"],
    "people": {
        "owner": "ae@example.com",
        "business_owner": "crm@example.com",
        "kill_switch_owner": "head-of-crm@example.com",
    },
    "data": {
        "entity_key": "customer_id",
        "relation": "toy_features",
        "label": "label",
        "cutoff": "cutoff_date",
        "features": {"numeric": ["x1", "x2"], "categorical": ["seg"]},
    },
    "estimator": {
        "preprocess": {"numeric": [{"class": "SimpleImputer", "params": {"strategy": "median"}}]},
        "model": {"class": "LogisticRegression", "params": {"C": 1.0, "max_iter": 200}},
    },
    "validation": {"holdout_cutoffs": 1},
    "baseline": {"name": "x1_rule", "sql": "rule_score"},
    "metrics": {"primary": "roc_auc", "thresholds": {"roc_auc": 0.6}},
    "business_metric": {"name": "toy_revenue", "description": "Revenue from the toy offer."},
    "sla": {
        "refresh_cadence": "monthly",
        "max_staleness": "35d",
        "degradation": [{"metric": "roc_auc", "below_passport_minus": 0.05}],
        "on_breach": "fallback",
        "alert_channel": "#toys",
    },
    "cost": {"maintenance_per_month": 120, "currency": "EUR"},
}


def write_spec(models: Path, name: str, block: Any, file: str | None = None) -> Path:
    """A dbt properties file declaring ``block`` as the spec of model ``<name>_scores``."""
    path = models / "ml" / (file or f"{name}.yml")
    path.parent.mkdir(parents=True, exist_ok=True)
    model = {"name": f"{name}_scores", "config": {"meta": {"scorehouse": block}}}
    path.write_text(yaml.safe_dump({"version": 2, "models": [model]}, sort_keys=False))
    return path


def toy_rows(customers: int, seed: int = 0) -> pd.DataFrame:
    """Customers at three monthly cutoffs: two numeric features (x2 partly NULL), a category
    (partly NULL), a label that depends on them, and a coarse rule score with many ties."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = customers * len(TOY_CUTOFFS)
    x1, x2 = rng.normal(size=n), rng.exponential(size=n)
    x2[rng.random(n) < 0.1] = np.nan
    seg = rng.choice(np.array(["a", "b", "c", None], dtype=object), size=n, p=[0.4, 0.3, 0.2, 0.1])
    logit = 1.5 * x1 - 0.8 * np.nan_to_num(x2) + np.where(seg == "a", 0.7, 0.0)
    return pd.DataFrame(
        {
            "customer_id": np.tile(np.arange(1, customers + 1), len(TOY_CUTOFFS)),
            "cutoff_date": pd.to_datetime(np.repeat(TOY_CUTOFFS, customers)).date,
            "x1": x1,
            "x2": x2,
            "seg": seg,
            "rule_score": np.round(1 / (1 + np.exp(-x1)), 1),
            "label": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
        }
    )


def toy_project(
    dest: Path,
    customers: int = 400,
    spec: dict[str, Any] | None = None,
    output: dict[str, Any] | None = None,
) -> Project:
    """A dbt project whose warehouse holds ``toy_features`` in the target's schema, with the
    spec of model ``toy`` (``TOY_SPEC`` unless given). The warehouse is a DuckDB file in
    ``dest`` unless ``output`` names another."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "dbt_project.yml").write_text("name: scorehouse\nprofile: scorehouse\n")
    output = output or duckdb_output(dest / "warehouse.duckdb", threads=1)
    write_profile(dest, {output["type"]: output})
    write_spec(dest / "models", "toy", spec or TOY_SPEC)
    # the generated scoring models ref() toy_features: the project declares it (dbt never
    # runs here; the tests write the table straight into the warehouse)
    (dest / "models" / "toy_features.sql").write_text(
        "-- the toy table, written into the warehouse by tests/support/project.py\n"
        "select * from toy_features_loaded\n"
    )
    project = find_project(dest)
    target = target_of(project)
    with connect(target, create=True) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(target.schema)}")
        con.create_table_like(target.schema, "toy_features", TOY_SCHEMA)
        rows = pa.Table.from_pandas(toy_rows(customers), schema=TOY_SCHEMA, preserve_index=False)
        con.append_arrow(target.schema, "toy_features", rows)
    return project
