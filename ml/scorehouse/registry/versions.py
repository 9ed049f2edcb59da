"""The registry's state machine: versions (challenger, champion, retired, disabled), the
serving mode of each model and who changed it.

Registering a trained version is one transaction: the version number is taken inside it,
and the artifacts are moved into their final folder just before it commits. A training
run that fails or is killed before that commit leaves every table as it was. Artifact
folders are keyed to the warehouse (``ml_warehouse`` holds its id) and recorded relative to
the project, with a digest of their files (see :mod:`scorehouse.registry.artifacts`).
Every table is read and written through the gateway (:mod:`scorehouse.catalogue`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scorehouse.catalogue import (
    METRICS,
    MODEL_VERSIONS,
    PASSPORTS,
    REFERENCE_DISTRIBUTIONS,
    REGISTRY,
    SERVING_CHANGES,
    WAREHOUSE,
)
from scorehouse.engines import Connection
from scorehouse.errors import ScorehouseError
from scorehouse.gateway import Gateway
from scorehouse.registry import artifacts, passport
from scorehouse.registry.passport import now
from scorehouse.registry.trained import TrainedVersion, metric_rows, reference_rows, version_row
from scorehouse.spec import Spec

STATUSES = ("challenger", "champion", "retired", "disabled")
SERVING = ("model", "rule", "off")
Verify = Callable[[dict[str, Any]], Any]


def os_user() -> str:
    """Who runs this process, for the record of a change made by hand."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something
        return "unknown"


class Registry:
    def __init__(self, connection: Connection, schema: str):
        self.connection = connection
        self.schema = schema
        self.tables = Gateway(connection, schema)

    def ensure_tables(self) -> None:
        self.tables.ensure(*REGISTRY)

    def _lock(self) -> None:
        """Two trainings at once must not take the same version number."""
        self.tables.lock(MODEL_VERSIONS)

    # --- reading -----------------------------------------------------------------------

    def versions(self, model: str | None = None) -> list[dict[str, Any]]:
        where, params = ("model_name = ?", [model]) if model else ("", [])
        return self.tables.select(MODEL_VERSIONS, where, params, order="model_name, version")

    def passports(self) -> list[dict[str, Any]]:
        return self.tables.select(PASSPORTS, order="model_name")

    def passport(self, model: str) -> dict[str, Any] | None:
        rows = self.tables.select(PASSPORTS, "model_name = ?", [model])
        return rows[0] if rows else None

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

    def serving_changes(self, model: str) -> list[dict[str, Any]]:
        return self.tables.select(SERVING_CHANGES, "model_name = ?", [model], order="changed_at")

    def warehouse_id(self) -> str:
        """This warehouse's id, drawn the first time it is asked for (inside the caller's
        transaction, under the registry lock on PostgreSQL)."""
        rows = self.tables.select(WAREHOUSE, order="created_at")
        if rows:
            return str(rows[0]["warehouse_id"])
        drawn = uuid.uuid4().hex[:16]
        self.tables.insert(WAREHOUSE, [{"warehouse_id": drawn, "created_at": now()}])
        return drawn

    # --- writing -----------------------------------------------------------------------

    def write_passport(self, spec: Spec, serving: tuple[str, str] | None = None) -> None:
        passport.write_passport(
            self.tables, spec, self.champion(spec.name), self.challenger(spec.name), serving
        )

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
            with self.connection.transaction():
                self._lock()
                mine = self.versions(spec.name)
                version = max((int(r["version"]) for r in mine), default=0) + 1
                has_champion = any(r["status"] == "champion" for r in mine)
                status = "challenger" if has_champion or hold else "champion"
                final_dir = artifacts.version_dir(
                    project_root, self.warehouse_id(), spec.name, version
                )
                if final_dir.exists():
                    # this warehouse never registered the version, so no row points here:
                    # a run killed between its move and its commit left it
                    shutil.rmtree(final_dir)
                recorded = artifacts.relative(final_dir, project_root)
                self.tables.insert(
                    MODEL_VERSIONS, [version_row(trained, version, status, recorded, digest)]
                )
                self.tables.insert(METRICS, metric_rows(trained, version))
                self.tables.insert(REFERENCE_DISTRIBUTIONS, reference_rows(trained, version))
                self.write_passport(spec)
                final_dir.parent.mkdir(parents=True, exist_ok=True)
                staged_artifacts.rename(final_dir)
        except BaseException:
            if final_dir is not None and final_dir.exists():
                shutil.rmtree(final_dir, ignore_errors=True)
            raise
        return version

    def promote(self, spec: Spec, version: int, verify: Verify | None = None) -> None:
        """Make ``version`` the champion; ``verify`` (e.g. a check of its artifacts) is
        called with its row first and may refuse by raising."""
        self.ensure_tables()
        with self.connection.transaction():
            self._lock()
            row = self.version(spec.name, version)
            if row["status"] == "disabled":
                raise ScorehouseError(
                    f"{spec.name} v{version} is disabled; enable it before promoting"
                )
            if verify is not None:
                verify(row)
            self.tables.update(
                MODEL_VERSIONS,
                {"status": "retired"},
                "model_name = ? AND status = 'champion'",
                [spec.name],
            )
            self.tables.update(
                MODEL_VERSIONS,
                {"status": "champion", "promoted_at": now()},
                "model_name = ? AND version = ?",
                [spec.name, version],
            )
            self.write_passport(spec)

    def rollback(self, spec: Spec, verify: Verify | None = None) -> int:
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
        with self.connection.transaction():
            self.record_serving(spec, serving, reason, changed_by=changed_by)

    def record_serving(
        self, spec: Spec, serving: str, reason: str, *, changed_by: str | None = None
    ) -> None:
        """Set the passport's serving mode and log who changed it, inside the caller's
        transaction (``ensure_tables`` first), so a change and its record commit together."""
        if serving not in SERVING:
            raise ValueError(serving)
        before = self.passport(spec.name)
        self.write_passport(spec, serving=(serving, reason))
        champion = self.champion(spec.name)
        change = {
            "model_name": spec.name,
            "champion_version": champion["version"] if champion else None,
            "serving_from": before["serving"] if before else None,
            "serving_to": serving,
            "reason": reason,
            "changed_by": changed_by or os_user(),
            "changed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        }
        self.tables.insert(SERVING_CHANGES, [change])

    def set_verdict(
        self, model: str, version: int, verdict: str | None, reasons: list[str], at: dt.datetime
    ) -> None:
        """Record the uplift verdict on the model's passport (kept across later rewrites)."""
        self.ensure_tables()
        passport.set_verdict(self.tables, model, version, verdict, reasons, at)
