"""Fixture warehouses for the monitor tests, and the check that the monitor's idea of the
monitoring tables is the contract in ``models/monitoring/README.md``.

The monitoring tables are built by dbt models written against that contract. These tests
create the same tables with known values instead, so every rule, alert and action can be
checked against numbers chosen by hand.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorehouse.engines import Connection, connect, quote
from scorehouse.monitoring.contract import CONTRACT
from scorehouse.registry.versions import Registry
from scorehouse.spec import Spec, parse_spec
from tests.support.project import (
    TOY_SPEC,
    duckdb_output,
    output_target,
    postgres_output,
    write_profile,
    write_spec,
)

REPO = Path(__file__).resolve().parents[2]
SCHEMA = "main"
TRAINED_AT = dt.datetime(2025, 9, 2, 6, 0)
PASSPORT_AUC = 0.80
# The suite's toy spec, with a drift rule of each kind besides its AUC rule.
SPEC: dict[str, Any] = copy.deepcopy(TOY_SPEC)
SPEC["sla"]["degradation"] += [
    {"metric": "score_psi", "above": 0.25},
    {"metric": "feature_psi", "above": 0.2},
]


def spec_block(**sla: Any) -> dict[str, Any]:
    block = copy.deepcopy(SPEC)
    block["sla"].update(sla)
    return block


def make_spec(name: str = "toy", **sla: Any) -> Spec:
    return parse_spec(spec_block(**sla), name, Path(f"models/ml/{name}.yml"))


def write_project(root: Path, specs: dict[str, dict[str, Any]], database: Path) -> None:
    """A dbt project folder with the given specs and a DuckDB profile; no dbt models."""
    (root / "dbt_project.yml").write_text("name: scorehouse\nprofile: scorehouse\n")
    write_profile(root, {"dev": duckdb_output(database, SCHEMA, threads=1)})
    for name, block in specs.items():
        write_spec(root / "models", name, block)


class Fixture:
    """A warehouse schema holding a registered champion and the monitoring tables."""

    def __init__(self, con: Connection, schema: str = SCHEMA):
        self.con = con
        self.schema = schema
        self.registry = Registry(con, schema)

    def table(self, name: str) -> str:
        return f"{quote(self.schema)}.{quote(name)}"

    def create_contract_tables(self) -> None:
        """Every contract table, empty; an existing table or view of the name is replaced."""
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.schema)}")
        cascade = self.con.drop_cascade
        kinds = dict(
            self.con.fetchall(
                "SELECT table_name, table_type FROM information_schema.tables "
                "WHERE table_schema = ?",
                [self.schema],
            )
        )
        for name, columns in CONTRACT.items():
            if name in kinds:
                kind = "VIEW" if "VIEW" in str(kinds[name]).upper() else "TABLE"
                self.con.execute(f"DROP {kind} {self.table(name)}{cascade}")
            cols = ", ".join(f"{quote(c)} {t}" for c, t in columns)
            self.con.execute(f"CREATE TABLE {self.table(name)} ({cols})")

    def insert(self, table: str, **values: Any) -> None:
        names = ", ".join(quote(c) for c in values)
        marks = ", ".join("?" for _ in values)
        self.con.execute(
            f"INSERT INTO {self.table(table)} ({names}) VALUES ({marks})", list(values.values())
        )

    def clear(self, table: str, model: str) -> None:
        self.con.execute(f"DELETE FROM {self.table(table)} WHERE model_name = ?", [model])

    def add_champion(self, spec: Spec, version: int = 1, auc: float = PASSPORT_AUC) -> None:
        """A champion version with its holdout metrics, and the passport serving it."""
        self.registry.ensure_tables()
        self.insert(
            "ml_model_versions",
            model_name=spec.name,
            version=version,
            status="champion",
            task="binary",
            trained_at=TRAINED_AT,
            promoted_at=TRAINED_AT,
            primary_metric="roc_auc",
            model_value=auc,
            baseline_value=auc - 0.1,
            beats_baseline=True,
        )
        for metric, at, value in (
            ("roc_auc", None, auc),
            ("pr_auc", None, 0.4),
            ("lift", 0.1, 2.5),
        ):
            self.insert(
                "ml_metrics",
                model_name=spec.name,
                version=version,
                subject="model",
                split="holdout",
                metric=metric,
                at=at,
                value=value,
                computed_at=TRAINED_AT,
            )
        self.registry.set_serving(spec, "model", "", changed_by="setup")

    def healthy(self, spec: Spec, version: int = 1) -> None:
        """Monitoring rows of a model that keeps every rule of :data:`SPEC`."""
        for table in ("ml_score_drift", "ml_feature_drift", "ml_quality", "ml_freshness"):
            self.clear(table, spec.name)
        self.set_score_psi(spec, 0.05, version)
        for feature, psi in (("x1", 0.02), ("x2", 0.08), ("seg", 0.01)):
            self.insert(
                "ml_feature_drift",
                model_name=spec.name,
                model_version=version,
                cutoff=dt.date(2025, 9, 1),
                feature=feature,
                kind="numeric",
                psi=psi,
                null_rate=0.1,
                reference_null_rate=0.1,
                new_categories=0,
                new_category_examples="",
            )
        self.set_auc(spec, model=0.79, rule=0.70, version=version)
        self.insert(
            "ml_freshness",
            model_name=spec.name,
            champion_version=version,
            trained_at=TRAINED_AT,
            model_age_days=10,
            refresh_cadence_days=30,
            is_retrain_due=False,
            last_scored_at=TRAINED_AT,
            days_since_scored=3,
            max_staleness_days=35,
            is_stale=False,
        )

    def set_score_psi(self, spec: Spec, psi: float, version: int = 1) -> None:
        """A newer scoring cutoff with this PSI (older cutoffs stay, as in the real table)."""
        latest = self.con.fetchall(
            f"SELECT max(cutoff) FROM {self.table('ml_score_drift')} WHERE model_name = ?",
            [spec.name],
        )[0][0]
        cutoff = (latest or dt.date(2025, 8, 1)) + dt.timedelta(days=31)
        self.insert(
            "ml_score_drift",
            model_name=spec.name,
            model_version=version,
            cutoff=cutoff.replace(day=1),
            n_rows=1000,
            psi=psi,
            computed_at=TRAINED_AT,
        )

    def set_auc(self, spec: Spec, model: float, rule: float, version: int = 1) -> None:
        """The quality rows of the newest matured cutoff, for the model and the rule."""
        self.con.execute(
            f"DELETE FROM {self.table('ml_quality')} WHERE model_name = ? AND cutoff = ?",
            [spec.name, dt.date(2025, 7, 1)],
        )
        for subject, auc in (("model", model), ("baseline", rule)):
            self.insert(
                "ml_quality",
                model_name=spec.name,
                model_version=version,
                cutoff=dt.date(2025, 7, 1),
                subject=subject,
                n_rows=1000,
                positives=150,
                roc_auc=auc,
                pr_auc=0.3,
                brier=0.12,
                lift_top_decile=2.0,
            )

    def update(self, table: str, model: str, **values: Any) -> None:
        sets = ", ".join(f"{quote(c)} = ?" for c in values)
        self.con.execute(
            f"UPDATE {self.table(table)} SET {sets} WHERE model_name = ?", [*values.values(), model]
        )

    def rows(
        self, table: str, where: str = "", params: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        return self.con.read_rows(
            f"SELECT * FROM {self.table(table)} {'WHERE ' + where if where else ''}", params or []
        )


@pytest.fixture
def fx(request, tmp_path) -> Iterator[Fixture]:
    """The monitoring tables in an empty warehouse: in-memory DuckDB, or a fresh PostgreSQL
    database with ``indirect`` parametrisation."""
    if getattr(request, "param", "duckdb") == "postgres":
        db = request.getfixturevalue("postgres_server").create_database("scorehouse_monitor")
        con = connect(output_target(postgres_output(db), tmp_path))
        fixture = Fixture(con, schema="analytics")
    else:
        output = duckdb_output(tmp_path / "warehouse.duckdb", SCHEMA, threads=1)
        con = connect(output_target(output, tmp_path), create=True)
        fixture = Fixture(con)
    fixture.create_contract_tables()
    try:
        yield fixture
    finally:
        con.close()


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2025, 9, 3, 6, 0)

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(hours=1)
        return self.at


def alerts(fx: Fixture) -> list[dict]:
    return sorted(fx.rows("ml_alerts"), key=lambda r: (r["opened_at"], r["rule"]))


def passport(fx: Fixture, name: str = "toy") -> dict:
    return next(p for p in fx.registry.passports() if p["model_name"] == name)


def test_contract_matches_the_readme():
    """Each table of the README's contract lists the columns the monitor reads, in order."""
    readme = (REPO / "models" / "monitoring" / "README.md").read_text()
    tables = {}
    for line in readme.splitlines():
        match = re.match(r"\|\s*`(ml_\w+)`(?: \(view\))?\s*\|[^|]*\|\s*(.+?)\s*\|$", line)
        if match:
            listed = re.sub(r"\s*\([^)]*\)", "", match.group(2))  # "subject (model, baseline)"
            tables[match.group(1)] = [c.strip() for c in listed.split(",")]
    assert tables, "no table rows found in the README"
    columns = {name: [c for c, _ in cols] for name, cols in CONTRACT.items()}
    assert tables == columns
