"""The ``ml_alerts`` table: one row per SLA breach, from the run that saw it until it resolves.

An alert is identified by model, version and rule. While its breach lasts it stays one open
row (``last_seen_at`` and ``last_observed`` follow it); once a run sees the rule satisfied,
or the rule no longer applies (removed from the spec, another champion), the row is marked
``resolved``. A rule that cannot be observed on a run (no matured labels yet) leaves its
alert as it was: not observed is not recovered.

Delivery is tracked per row: ``not_configured`` (no webhook when it opened), ``pending``
(to post), ``delivered``, or ``failed``. Every row not yet delivered, whichever of the three,
is posted by the next run that monitors its model with a webhook, until it gets through;
see :meth:`AlertTable.undelivered`.
``scorehouse enable`` acknowledges the model's open alerts: they stay open until the breach
ends, but no longer ask for a human.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scorehouse.catalogue import ALERTS
from scorehouse.engines import Connection
from scorehouse.gateway import Gateway
from scorehouse.monitoring.rules import BREACH, OK, SKIPPED, Finding

TABLE = ALERTS.name
OPEN, RESOLVED = "open", "resolved"
PENDING, DELIVERED, FAILED, NOT_CONFIGURED = "pending", "delivered", "failed", "not_configured"


@dataclass
class Alert:
    """One row of ``ml_alerts``; the fields are its columns (catalogue.ALERTS), in order."""

    alert_id: str
    model_name: str
    model_version: int
    rule: str
    description: str
    metric: str
    cutoff: dt.date | None
    observed: float | None
    threshold: float | None
    detail: str
    severity: str
    on_breach: str
    action_taken: str
    status: str
    opened_at: dt.datetime
    last_seen_at: dt.datetime
    last_observed: float | None
    resolved_at: dt.datetime | None
    resolution: str | None
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    delivery_status: str
    delivery_attempts: int
    delivery_error: str | None
    delivered_at: dt.datetime | None

    @property
    def needs_human(self) -> bool:
        return self.status == OPEN and self.severity == "error" and self.acknowledged_by is None


def new_alert(finding: Finding, action_taken: str, at: dt.datetime, delivery_status: str) -> Alert:
    return Alert(
        alert_id=uuid.uuid4().hex,
        model_name=finding.model,
        model_version=finding.version,
        rule=finding.rule,
        description=finding.description,
        metric=finding.metric,
        cutoff=finding.cutoff,
        observed=finding.observed,
        threshold=finding.threshold,
        detail=finding.detail,
        severity=finding.severity,
        on_breach=finding.on_breach,
        action_taken=action_taken,
        status=OPEN,
        opened_at=at,
        last_seen_at=at,
        last_observed=finding.observed,
        resolved_at=None,
        resolution=None,
        acknowledged_by=None,
        acknowledged_at=None,
        delivery_status=delivery_status,
        delivery_attempts=0,
        delivery_error=None,
        delivered_at=None,
    )


@dataclass(frozen=True)
class Plan:
    """What one run does to the alerts of one model."""

    new: list[Finding]
    continuing: list[tuple[Alert, Finding]]
    resolved: list[tuple[Alert, str]]  # the alert and why it resolved


def plan(open_alerts: Iterable[Alert], findings: Sequence[Finding]) -> Plan:
    """Match this run's findings of one model with its open alerts.

    A breach with an open alert continues it; a breach without one opens a new alert. An
    open alert resolves when its rule was evaluated and is satisfied (or skipped), or when
    this run evaluated no such rule for its version (another champion, or the rule left the
    spec); it stays open when its rule could not be observed.
    """
    by_key = {(f.version, f.rule): f for f in findings}
    versions = {f.version for f in findings}
    open_by_key = {(a.model_version, a.rule): a for a in open_alerts}
    new = [f for f in findings if f.breached and (f.version, f.rule) not in open_by_key]
    continuing, resolved = [], []
    for key, alert in open_by_key.items():
        finding = by_key.get(key)
        if finding is None:
            why = (
                "the rule is no longer in the spec"
                if alert.model_version in versions
                else f"v{alert.model_version} is no longer the champion"
            )
            resolved.append((alert, why))
        elif finding.state == BREACH:
            continuing.append((alert, finding))
        elif finding.state in (OK, SKIPPED):
            resolved.append(
                (alert, "no longer observed" if finding.state == OK else finding.detail)
            )
    return Plan(new, continuing, resolved)


class AlertTable:
    """Reads and writes ``ml_alerts`` in one schema; writes join the caller's transaction."""

    def __init__(self, con: Connection, schema: str):
        self.tables = Gateway(con, schema)
        self.name = self.tables.name(ALERTS)
        self.schema = schema

    def ensure(self) -> None:
        self.tables.ensure(ALERTS)

    def lock(self) -> None:
        """Inside a transaction: two monitors at once would both open the same new alert
        (on engines with several writers); the second waits for the first."""
        self.tables.lock(ALERTS)

    def select(self, where: str = "", params: Sequence[Any] = ()) -> list[Alert]:
        rows = self.tables.select(ALERTS, where, params, order="opened_at, model_name, rule")
        return [Alert(**row) for row in rows]

    def open(self, model: str) -> list[Alert]:
        return self.select("model_name = ? AND status = ?", [model, OPEN])

    def undelivered(self, models: Sequence[str]) -> list[Alert]:
        """The alerts of ``models`` never delivered, oldest first: ``not_configured`` (no
        webhook when they opened), ``pending`` and ``failed``, open or resolved.

        A resolved alert is posted too, once, as resolved (its message says so and why):
        ``ml_alerts`` keeps every alert, but the channel is where people look, and a breach
        that ended before anyone heard of it may still have switched its model to the rule
        baseline or off, which lasts until someone runs ``scorehouse enable``. Posting it
        as resolved tells them without asking them to act on a breach that is over.
        Alerts of other models wait for a run that monitors their model, so that they go to
        that model's ``alert_channel``."""
        if not models:
            return []
        marks = ", ".join("?" for _ in models)
        return self.select(
            f"delivery_status IN (?, ?, ?) AND model_name IN ({marks})",
            [NOT_CONFIGURED, PENDING, FAILED, *models],
        )

    def insert(self, alerts: Sequence[Alert]) -> None:
        self.tables.insert(ALERTS, [asdict(a) for a in alerts])

    def _update(self, alert_id: str, **values: Any) -> None:
        self.tables.update(ALERTS, values, "alert_id = ?", [alert_id])

    def seen_again(self, alert: Alert, finding: Finding, at: dt.datetime) -> None:
        alert.last_seen_at, alert.last_observed = at, finding.observed
        self._update(alert.alert_id, last_seen_at=at, last_observed=finding.observed)

    def resolve(self, alert: Alert, why: str, at: dt.datetime) -> None:
        alert.status, alert.resolved_at, alert.resolution = RESOLVED, at, why
        self._update(alert.alert_id, status=RESOLVED, resolved_at=at, resolution=why)

    def record_delivery(
        self, alert: Alert, ok: bool, attempts: int, error: str | None, at: dt.datetime
    ) -> None:
        """Record the outcome of posting ``alert``. The attempts add to those in the table,
        and a row another run has marked delivered meanwhile stays delivered."""
        alert.delivery_status = DELIVERED if ok else FAILED
        alert.delivery_attempts += attempts
        alert.delivery_error = error
        alert.delivered_at = at if ok else None
        self.tables.connection.execute(
            f"UPDATE {self.name} SET delivery_status = ?, "
            "delivery_attempts = delivery_attempts + ?, delivery_error = ?, delivered_at = ? "
            "WHERE alert_id = ? AND delivery_status <> ?",
            [alert.delivery_status, attempts, error, alert.delivered_at, alert.alert_id, DELIVERED],
        )

    def acknowledge(self, model: str, by: str, at: dt.datetime) -> int:
        """Mark the model's open, unacknowledged alerts as seen by ``by``; returns how many."""
        waiting = [a for a in self.open(model) if a.acknowledged_by is None]
        for alert in waiting:
            self._update(alert.alert_id, acknowledged_by=by, acknowledged_at=at)
        return len(waiting)
