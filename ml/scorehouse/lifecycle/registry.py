"""The model registry and passports: ``ml_`` tables in the warehouse.

Registering a trained version is one transaction: the version number is taken inside it,
and the artifacts are moved into their final folder just before it commits. A training
run that fails or is killed before that commit leaves every table as it was. Artifact
folders are keyed to the warehouse (``ml_warehouse`` holds its id) and recorded relative to
the project, with a digest of their files (see :mod:`scorehouse.lifecycle.artifacts`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorehouse.errors import ScorehouseError
from scorehouse.lifecycle import artifacts
from scorehouse.lifecycle.evaluate import HIGHER_IS_BETTER, Metric
from scorehouse.lifecycle.reference import Bin
from scorehouse.lifecycle.spec import Spec
from scorehouse.urls import shown
from scorehouse.warehouse.session import Session, quote

STATUSES = ("challenger", "champion", "retired", "disabled")
SERVING = ("model", "rule", "off")

TABLES: dict[str, list[tuple[str, str]]] = {
    "ml_model_versions": [
        ("model_name", "TEXT"),
        ("version", "INTEGER"),
        ("status", "TEXT"),
        ("task", "TEXT"),
        ("trained_at", "TIMESTAMP"),
        ("promoted_at", "TIMESTAMP"),
        ("train_rows", "INTEGER"),
        ("holdout_rows", "INTEGER"),
        ("train_cutoffs", "TEXT"),
        ("holdout_cutoffs", "TEXT"),
        ("primary_metric", "TEXT"),
        ("model_value", "FLOAT8"),
        ("baseline_value", "FLOAT8"),
        ("beats_baseline", "BOOLEAN"),
        ("classes", "TEXT"),
        ("features", "TEXT"),
        ("spec_hash", "TEXT"),
        ("data_hash", "TEXT"),
        ("sql_hash", "TEXT"),
        ("git_commit", "TEXT"),
        ("library_versions", "TEXT"),
        ("artifact_dir", "TEXT"),
        ("artifact_hash", "TEXT"),
    ],
    "ml_passports": [
        ("model_name", "TEXT"),
        ("task", "TEXT"),
        ("description", "TEXT"),
        ("decisions", "TEXT"),
        ("owner", "TEXT"),
        ("business_owner", "TEXT"),
        ("kill_switch_owner", "TEXT"),
        ("champion_version", "INTEGER"),
        ("challenger_version", "INTEGER"),
        ("serving", "TEXT"),
        ("serving_reason", "TEXT"),
        ("trained_at", "TIMESTAMP"),
        ("due_at", "TIMESTAMP"),
        ("refresh_cadence_days", "INTEGER"),
        ("max_staleness_days", "INTEGER"),
        ("degradation_rules", "TEXT"),
        ("on_breach", "TEXT"),
        ("alert_channel", "TEXT"),
        ("primary_metric", "TEXT"),
        ("model_value", "FLOAT8"),
        ("baseline_name", "TEXT"),
        ("baseline_value", "FLOAT8"),
        ("beats_baseline", "BOOLEAN"),
        ("business_metric", "TEXT"),
        ("maintenance_cost_per_month", "FLOAT8"),
        ("currency", "TEXT"),
        ("spec_path", "TEXT"),
        ("updated_at", "TIMESTAMP"),
        # the latest keep / rebuild / switch_off verdict of `scorehouse uplift`
        ("verdict", "TEXT"),
        ("verdict_reasons", "TEXT"),
        ("verdict_version", "INTEGER"),
        ("verdict_at", "TIMESTAMP"),
        # what a reader of the passport must know about its champion (e.g. that it loses to
        # the rule), one line each
        ("warnings", "TEXT"),
    ],
    "ml_metrics": [
        ("model_name", "TEXT"),
        ("version", "INTEGER"),
        ("subject", "TEXT"),
        ("split", "TEXT"),
        ("metric", "TEXT"),
        ("at", "FLOAT8"),
        ("value", "FLOAT8"),
        ("computed_at", "TIMESTAMP"),
    ],
    "ml_reference_distributions": [
        ("model_name", "TEXT"),
        ("version", "INTEGER"),
        ("column_name", "TEXT"),
        ("kind", "TEXT"),
        ("bin", "INTEGER"),
        ("lower_bound", "FLOAT8"),
        ("upper_bound", "FLOAT8"),
        ("category", "TEXT"),
        ("is_null", "BOOLEAN"),
        ("share", "FLOAT8"),
    ],
    # This warehouse's identity: the key of its folder under artifacts/ (one row).
    "ml_warehouse": [
        ("warehouse_id", "TEXT"),
        ("created_at", "TIMESTAMP"),
    ],
    # Every change of a passport's serving mode: who threw the kill switch, who enabled it.
    "ml_serving_changes": [
        ("model_name", "TEXT"),
        ("champion_version", "INTEGER"),
        ("serving_from", "TEXT"),
        ("serving_to", "TEXT"),
        ("reason", "TEXT"),
        ("changed_by", "TEXT"),
        ("changed_at", "TIMESTAMP"),
    ],
}


@dataclass(frozen=True)
class TrainedVersion:
    """Everything a finished training run registers."""

    spec: Spec
    trained_at: dt.datetime
    train_rows: int
    holdout_rows: int
    train_cutoffs: list[str]
    holdout_cutoffs: list[str]
    model_metrics: list[Metric]
    baseline_metrics: list[Metric]
    model_value: float | None
    baseline_value: float | None
    beats_baseline: bool | None
    classes: list[Any]
    reference: list[Bin]
    hashes: dict[str, str]
    git_commit: str | None
    library_versions: dict[str, str]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def os_user() -> str:
    """Who runs this process, for the record of a change made by hand."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something
        return "unknown"


class Registry:
    def __init__(self, session: Session, schema: str):
        self.session = session
        self.schema = schema

    def table(self, name: str) -> str:
        return f"{quote(self.schema)}.{quote(name)}"

    def ensure_tables(self) -> None:
        self.session.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.schema)}")
        for name, columns in TABLES.items():
            cols = ", ".join(f"{quote(c)} {t}" for c, t in columns)
            self.session.execute(f"CREATE TABLE IF NOT EXISTS {self.table(name)} ({cols})")
            # a warehouse registered by an older scorehouse gains the columns added since
            self.session.add_missing_columns(self.table(name), columns)

    def _insert(self, name: str, rows: Sequence[Sequence[Any]]) -> None:
        columns = TABLES[name]
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(quote(c) for c, _ in columns)
        self.session.executemany(
            f"INSERT INTO {self.table(name)} ({names}) VALUES ({placeholders})", rows
        )

    def _lock(self) -> None:
        if self.session.backend == "postgres":
            self.session.execute(f"LOCK TABLE {self.table('ml_model_versions')} IN EXCLUSIVE MODE")

    # --- reading -----------------------------------------------------------------------

    def versions(self, model: str | None = None) -> list[dict[str, Any]]:
        names = [c for c, _ in TABLES["ml_model_versions"]]
        where, params = ("WHERE model_name = ?", [model]) if model else ("", [])
        rows = self.session.fetchall(
            f"SELECT {', '.join(quote(c) for c in names)} FROM {self.table('ml_model_versions')} "
            f"{where} ORDER BY model_name, version",
            params,
        )
        return [dict(zip(names, row, strict=True)) for row in rows]

    def passports(self) -> list[dict[str, Any]]:
        names = [c for c, _ in TABLES["ml_passports"]]
        rows = self.session.fetchall(
            f"SELECT {', '.join(quote(c) for c in names)} FROM {self.table('ml_passports')} ORDER BY model_name"
        )
        return [dict(zip(names, row, strict=True)) for row in rows]

    def version(self, model: str, version: int) -> dict[str, Any]:
        for row in self.versions(model):
            if row["version"] == version:
                return row
        known = ", ".join(str(r["version"]) for r in self.versions(model)) or "none"
        raise ScorehouseError(f"model {model!r} has no version {version} (versions: {known})")

    def champion(self, model: str) -> dict[str, Any] | None:
        return next((r for r in self.versions(model) if r["status"] == "champion"), None)

    def challenger(self, model: str) -> dict[str, Any] | None:
        rows = [r for r in self.versions(model) if r["status"] == "challenger"]
        return rows[-1] if rows else None

    # --- writing -----------------------------------------------------------------------

    def warehouse_id(self) -> str:
        """This warehouse's id, drawn the first time it is asked for (inside the caller's
        transaction, under the registry lock on PostgreSQL)."""
        table = self.table("ml_warehouse")
        rows = self.session.fetchall(f"SELECT warehouse_id FROM {table} ORDER BY created_at")
        if rows:
            return str(rows[0][0])
        drawn = uuid.uuid4().hex[:16]
        self._insert("ml_warehouse", [[drawn, now()]])
        return drawn

    def register(
        self,
        trained: TrainedVersion,
        staged_artifacts: Path,
        project_root: Path,
        hold: str | None = None,
    ) -> int:
        """Record a trained version, all or nothing; returns its version number.

        The first version of a model becomes its champion, unless ``hold`` says why it must
        not (it then waits as a challenger, and the rule keeps serving)."""
        spec = trained.spec
        self.ensure_tables()
        digest = artifacts.folder_digest(staged_artifacts)
        final_dir: Path | None = None
        try:
            with self.session.transaction():
                self._lock()
                (latest,) = self.session.fetchall(
                    f"SELECT coalesce(max(version), 0) FROM {self.table('ml_model_versions')} "
                    "WHERE model_name = ?",
                    [spec.name],
                )[0]
                version = int(latest) + 1
                has_champion = self.champion_in_tx(spec.name)
                status = "challenger" if has_champion or hold else "champion"
                final_dir = artifacts.version_dir(
                    project_root, self.warehouse_id(), spec.name, version
                )
                if final_dir.exists():
                    # this warehouse never registered the version, so no row points here:
                    # a run killed between its move and its commit left it
                    shutil.rmtree(final_dir)
                recorded = artifacts.relative(final_dir, project_root)
                row = self._version_row(trained, version, status, recorded, digest)
                self._insert("ml_model_versions", [row])
                self._insert("ml_metrics", self._metric_rows(trained, version))
                self._insert("ml_reference_distributions", self._reference_rows(trained, version))
                self._write_passport(spec)
                final_dir.parent.mkdir(parents=True, exist_ok=True)
                staged_artifacts.rename(final_dir)
        except BaseException:
            if final_dir is not None and final_dir.exists():
                shutil.rmtree(final_dir, ignore_errors=True)
            raise
        return version

    def champion_in_tx(self, model: str) -> bool:
        rows = self.session.fetchall(
            f"SELECT count(*) FROM {self.table('ml_model_versions')} WHERE model_name = ? AND status = 'champion'",
            [model],
        )
        return bool(rows[0][0])

    def promote(
        self, spec: Spec, version: int, verify: Callable[[dict[str, Any]], Any] | None = None
    ) -> None:
        """Make ``version`` the champion; ``verify`` (e.g. a check of its artifacts) is
        called with its row first and may refuse by raising."""
        self.ensure_tables()
        with self.session.transaction():
            self._lock()
            row = self.version(spec.name, version)
            if row["status"] == "disabled":
                raise ScorehouseError(
                    f"{spec.name} v{version} is disabled; enable it before promoting"
                )
            if verify is not None:
                verify(row)
            self.session.execute(
                f"UPDATE {self.table('ml_model_versions')} SET status = 'retired' "
                "WHERE model_name = ? AND status = 'champion'",
                [spec.name],
            )
            self.session.execute(
                f"UPDATE {self.table('ml_model_versions')} SET status = 'champion', promoted_at = ? "
                "WHERE model_name = ? AND version = ?",
                [now(), spec.name, version],
            )
            self._write_passport(spec)

    def rollback(self, spec: Spec, verify: Callable[[dict[str, Any]], Any] | None = None) -> int:
        """Make the previously promoted version champion again; returns its number."""
        current = self.champion(spec.name)
        if current is None:
            raise ScorehouseError(f"model {spec.name!r} has no champion to roll back from")
        earlier = [
            r
            for r in self.versions(spec.name)
            if r["version"] != current["version"]
            and r["promoted_at"] is not None
            and r["status"] == "retired"
        ]
        if not earlier:
            raise ScorehouseError(f"model {spec.name!r} has no earlier champion to roll back to")
        previous = max(earlier, key=lambda r: r["promoted_at"])
        self.promote(spec, int(previous["version"]), verify)
        return int(previous["version"])

    def set_serving(
        self, spec: Spec, serving: str, reason: str, *, changed_by: str | None = None
    ) -> None:
        self.ensure_tables()
        with self.session.transaction():
            self.record_serving(spec, serving, reason, changed_by=changed_by)

    def record_serving(
        self, spec: Spec, serving: str, reason: str, *, changed_by: str | None = None
    ) -> None:
        """Set the passport's serving mode and log who changed it, inside the caller's
        transaction (``ensure_tables`` first), so a change and its record commit together."""
        if serving not in SERVING:
            raise ValueError(serving)
        previous = self.session.fetchall(
            f"SELECT serving FROM {self.table('ml_passports')} WHERE model_name = ?", [spec.name]
        )
        self._write_passport(spec, serving=(serving, reason))
        champion = self.champion(spec.name)
        self._insert(
            "ml_serving_changes",
            [
                [
                    spec.name,
                    champion["version"] if champion else None,
                    previous[0][0] if previous else None,
                    serving,
                    reason,
                    changed_by or os_user(),
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                ]
            ],
        )

    def serving_changes(self, model: str) -> list[dict[str, Any]]:
        names = [c for c, _ in TABLES["ml_serving_changes"]]
        rows = self.session.fetchall(
            f"SELECT {', '.join(quote(c) for c in names)} FROM {self.table('ml_serving_changes')} "
            "WHERE model_name = ? ORDER BY changed_at",
            [model],
        )
        return [dict(zip(names, row, strict=True)) for row in rows]

    # --- rows --------------------------------------------------------------------------

    def _version_row(
        self, t: TrainedVersion, version: int, status: str, artifact_dir: str, digest: str
    ) -> list[Any]:
        return [
            t.spec.name,
            version,
            status,
            t.spec.task,
            t.trained_at,
            t.trained_at if status == "champion" else None,
            t.train_rows,
            t.holdout_rows,
            ",".join(t.train_cutoffs),
            ",".join(t.holdout_cutoffs),
            t.spec.primary_metric,
            t.model_value,
            t.baseline_value,
            t.beats_baseline,
            json.dumps([_plain(c) for c in t.classes]),
            json.dumps(list(t.spec.data.features)),
            t.hashes["spec"],
            t.hashes["data"],
            t.hashes["sql"],
            t.git_commit,
            json.dumps(t.library_versions, sort_keys=True),
            artifact_dir,
            digest,
        ]

    def _metric_rows(self, t: TrainedVersion, version: int) -> list[list[Any]]:
        rows = []
        for subject, metrics in (("model", t.model_metrics), ("baseline", t.baseline_metrics)):
            rows += [
                [t.spec.name, version, subject, "holdout", m.name, m.at, m.value, t.trained_at]
                for m in metrics
            ]
        return rows

    def _reference_rows(self, t: TrainedVersion, version: int) -> list[list[Any]]:
        return [
            [
                t.spec.name,
                version,
                b.column,
                b.kind,
                b.bin,
                b.lower,
                b.upper,
                b.category,
                b.is_null,
                b.share,
            ]
            for b in t.reference
        ]

    def _write_passport(self, spec: Spec, serving: tuple[str, str] | None = None) -> None:
        """Rewrite the model's passport from its spec, its champion and its serving state."""
        table = self.table("ml_passports")
        previous = self.session.fetchall(
            f"SELECT serving, serving_reason FROM {table} WHERE model_name = ?", [spec.name]
        )
        kept_verdict = self.session.fetchall(
            f"SELECT verdict, verdict_reasons, verdict_version, verdict_at FROM {table} "
            "WHERE model_name = ?",
            [spec.name],
        )
        champion = self.champion(spec.name)
        challenger = self.challenger(spec.name)
        if serving is None:
            serving = previous[0] if previous else ("model", "")
            if champion is None and serving[0] == "model":
                serving = ("rule", "no trained champion yet")
        trained_at = champion["trained_at"] if champion else None
        due_at = trained_at + dt.timedelta(days=spec.sla.refresh_days) if trained_at else None
        self.session.execute(f"DELETE FROM {table} WHERE model_name = ?", [spec.name])
        self._insert(
            "ml_passports",
            [
                [
                    spec.name,
                    spec.task,
                    spec.description,
                    json.dumps(list(spec.decisions)),
                    spec.people.owner,
                    spec.people.business_owner,
                    spec.people.kill_switch_owner,
                    champion["version"] if champion else None,
                    challenger["version"] if challenger else None,
                    serving[0],
                    serving[1],
                    trained_at,
                    due_at,
                    spec.sla.refresh_days,
                    spec.sla.max_staleness_days,
                    json.dumps([r.describe() for r in spec.sla.degradation]),
                    spec.sla.on_breach,
                    shown(spec.sla.alert_channel),  # a webhook URL holds its secret
                    spec.primary_metric,
                    champion["model_value"] if champion else None,
                    spec.baseline_name,
                    champion["baseline_value"] if champion else None,
                    champion["beats_baseline"] if champion else None,
                    json.dumps(spec.business_metric),
                    spec.maintenance_cost_per_month,
                    spec.currency,
                    str(spec.path),
                    now(),
                    *(kept_verdict[0] if kept_verdict else (None, None, None, None)),
                    "\n".join(champion_warnings(spec, champion)) or None,
                ]
            ],
        )

    def set_verdict(
        self, model: str, version: int, verdict: str | None, reasons: Sequence[str], at: dt.datetime
    ) -> None:
        """Record the uplift verdict on the model's passport (kept across later rewrites)."""
        self.ensure_tables()
        self.session.execute(
            f"UPDATE {self.table('ml_passports')} SET verdict = ?, verdict_reasons = ?, "
            "verdict_version = ?, verdict_at = ? WHERE model_name = ?",
            [verdict, "\n".join(reasons), version, at, model],
        )


def champion_warnings(spec: Spec, champion: dict[str, Any] | None) -> list[str]:
    """What the passport must say loudly about its champion: that it loses to (or cannot
    be compared with) its rule, or misses the spec's threshold on its primary metric."""
    if champion is None:
        return []
    what = f"champion v{champion['version']}"
    metric = spec.primary_metric
    model, rule = champion.get("model_value"), champion.get("baseline_value")
    out = []
    if champion.get("beats_baseline") is False:
        out.append(
            f"{what} does NOT beat its rule baseline {spec.baseline_name} on the holdout "
            f"({metric} {_fmt(model)} vs {_fmt(rule)}): rebuild it, or switch it off"
        )
    elif champion.get("beats_baseline") is None:
        out.append(f"{what} could not be compared with its rule baseline {spec.baseline_name}")
    threshold = spec.thresholds.get(metric)
    if threshold is not None and model is not None:
        ok = model >= threshold if metric in HIGHER_IS_BETTER else model <= threshold
        if not ok:
            out.append(f"{what} misses its {metric} threshold ({_fmt(model)} vs {threshold})")
    return out


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{float(value):.4f}"


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
