"""``scorehouse monitor``: evaluate every model's SLA, record alerts, act, and deliver.

One run:

1. reads the monitoring tables for each model's champion (:mod:`observe`) and evaluates its
   rules (:mod:`rules`);
2. in one transaction, opens an alert per new breach, follows or resolves the open ones
   (:mod:`alerts`) and throws the kill switch a new breach asks for (:mod:`actions`), so a
   breach and its action are recorded together or not at all;
3. posts every alert not yet delivered, the new ones and those whose delivery failed on an
   earlier run, to the webhook (:mod:`webhook`), and records each outcome.

The report says whether anything needs a human: an open error alert nobody acknowledged, a
serving change made by this run, a rule that cannot be evaluated, or an alert that could
not be delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scorehouse.errors import ScorehouseError
from scorehouse.lifecycle.registry import Registry, now
from scorehouse.lifecycle.spec import Spec, find_specs
from scorehouse.lifecycle.train import model_paths
from scorehouse.monitoring import actions
from scorehouse.monitoring.alerts import (
    NOT_CONFIGURED,
    PENDING,
    TABLE,
    Alert,
    AlertTable,
    new_alert,
    plan,
)
from scorehouse.monitoring.contract import check_monitoring_tables, relation_columns
from scorehouse.monitoring.observe import Reader
from scorehouse.monitoring.rules import INVALID, Finding, evaluate
from scorehouse.monitoring.webhook import (
    DEFAULT_SETTINGS,
    Delivery,
    WebhookSettings,
    alert_message,
    post_json,
    redact,
    webhook_url,
)
from scorehouse.project import Project, Target
from scorehouse.warehouse import connect
from scorehouse.warehouse.session import Session

Poster = Callable[[str, dict[str, Any], WebhookSettings], Delivery]


@dataclass
class ModelResult:
    """What one run found and did for one model."""

    name: str
    version: int | None
    serving_before: str
    serving_after: str
    findings: list[Finding] = field(default_factory=list)
    new: list[Alert] = field(default_factory=list)
    still_open: list[Alert] = field(default_factory=list)  # open after this run, new ones included
    resolved: list[Alert] = field(default_factory=list)
    note: str = ""

    @property
    def action(self) -> str | None:
        return self.serving_after if self.serving_after != self.serving_before else None


@dataclass
class MonitorReport:
    models: list[ModelResult]
    deliveries: list[tuple[Alert, Delivery, str]] = field(default_factory=list)  # with redacted URL
    undeliverable: list[Alert] = field(default_factory=list)  # pending, but no webhook now
    dry_run: bool = False

    def attention(self) -> list[str]:
        """Why a human should look, one line per reason; empty when nothing needs one."""
        reasons = []
        for m in self.models:
            waiting = [a for a in m.still_open if a.needs_human]
            if waiting:
                rules = ", ".join(a.rule for a in waiting)
                reasons.append(f"{m.name}: {len(waiting)} open error alert(s) ({rules})")
            if m.action:
                reasons.append(
                    f"{m.name}: serving switched from {m.serving_before} to {m.serving_after}"
                )
            for f in m.findings:
                if f.state == INVALID:
                    reasons.append(f"{m.name}: rule `{f.rule}` cannot be evaluated: {f.detail}")
        failed = [a for a, d, _ in self.deliveries if not d.ok]
        if failed:
            reasons.append(f"{len(failed)} alert(s) could not be delivered to the webhook")
        return reasons

    @property
    def needs_human(self) -> bool:
        return bool(self.attention())


def _delivery_status(webhook: str | None, spec: Spec) -> str:
    return PENDING if webhook_url(webhook, spec.sla.alert_channel) else NOT_CONFIGURED


def _lock(session: Session, table: AlertTable) -> None:
    """Two monitors at once on PostgreSQL would both open the same new alert; one waits."""
    if session.backend == "postgres":
        session.execute(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE")


def monitor(
    session: Session,
    schema: str,
    specs: dict[str, Spec],
    *,
    webhook: str | None = None,
    settings: WebhookSettings = DEFAULT_SETTINGS,
    dry_run: bool = False,
    clock: Callable[[], dt.datetime] = now,
    poster: Poster = post_json,
) -> MonitorReport:
    """Evaluate, record, act and deliver for the models in ``specs`` (see the module doc)."""
    registry = Registry(session, schema)
    registry.ensure_tables()
    check_monitoring_tables(session, schema)
    table = AlertTable(session, schema)
    if not dry_run:
        table.ensure()
    at = clock()
    passports = {p["model_name"]: p for p in registry.passports()}
    reader = Reader(session, schema)

    results: list[ModelResult] = []
    evaluated: list[tuple[Spec, ModelResult]] = []
    for name in sorted(specs):
        passport = passports.get(name)
        serving = str(passport["serving"]) if passport else "rule"
        if passport is None or passport["champion_version"] is None:
            results.append(
                ModelResult(
                    name, None, serving, serving, note="no champion yet: nothing to monitor"
                )
            )
            continue
        version = int(passport["champion_version"])
        obs = reader.observe(
            name, version, str(passport["primary_metric"]), passport["model_value"]
        )
        result = ModelResult(name, version, serving, serving, evaluate(specs[name], obs, serving))
        results.append(result)
        evaluated.append((specs[name], result))

    if dry_run:
        has_table = TABLE in relation_columns(session, schema, (TABLE,))
        for spec, result in evaluated:
            _apply(spec, result, table.open(spec.name) if has_table else [], None, at, webhook)
        return MonitorReport(results, dry_run=True)

    with session.transaction():
        _lock(session, table)
        # Serving as it is now, under the lock: an `enable` may have run since it was read.
        current = {p["model_name"]: str(p["serving"]) for p in registry.passports()}
        for spec, result in evaluated:
            result.serving_before = result.serving_after = current.get(
                spec.name, result.serving_before
            )
            _apply(spec, result, table.open(spec.name), (registry, table), at, webhook)

    report = MonitorReport(results)
    _deliver(report, table, specs, passports, webhook, settings, clock, poster)
    return report


def _apply(
    spec: Spec,
    result: ModelResult,
    open_alerts: list[Alert],
    writers: tuple[Registry, AlertTable] | None,
    at: dt.datetime,
    webhook: str | None,
) -> None:
    """Plan one model's alerts and action; write them unless ``writers`` is None (dry run)."""
    todo = plan(open_alerts, result.findings)
    target = actions.serving_after(spec.sla.on_breach, result.serving_before, todo.new)
    acting = [f for f in todo.new if f.on_breach in actions.TARGETS]
    status = _delivery_status(webhook, spec)
    result.new = [
        new_alert(f, spec.sla.on_breach if target and f in acting else "alert", at, status)
        for f in todo.new
    ]
    resolved_ids = {a.alert_id for a, _ in todo.resolved}
    result.resolved = [a for a, _ in todo.resolved]
    result.still_open = [a for a in open_alerts if a.alert_id not in resolved_ids] + result.new
    if target:
        result.serving_after = target
    if writers is None:
        return
    registry, table = writers
    if target:
        why = actions.reason(spec.name, acting, at)
        registry.record_serving(spec, target, why, changed_by=actions.MONITOR)
    table.insert(result.new)
    for alert, finding in todo.continuing:
        table.seen_again(alert, finding, at)
    for alert, why in todo.resolved:
        table.resolve(alert, why, at)


def _deliver(
    report: MonitorReport,
    table: AlertTable,
    specs: dict[str, Spec],
    passports: dict[str, dict[str, Any]],
    webhook: str | None,
    settings: WebhookSettings,
    clock: Callable[[], dt.datetime],
    poster: Poster,
) -> None:
    """Post every alert that is pending or failed before; record each outcome at once."""
    in_report = {a.alert_id: a for m in report.models for a in (*m.still_open, *m.resolved)}
    for row in table.undelivered():
        alert = in_report.get(row.alert_id, row)
        spec = specs.get(alert.model_name)
        channel = spec.sla.alert_channel if spec else None
        url = webhook_url(webhook, channel)
        if url is None:
            report.undeliverable.append(alert)
            continue
        passport = passports.get(alert.model_name) or {}
        owner = passport.get("owner") or (spec.people.owner if spec else "unknown")
        kill = passport.get("kill_switch_owner") or (
            spec.people.kill_switch_owner if spec else "unknown"
        )
        delivery = poster(url, alert_message(alert, owner, kill, channel), settings)
        table.record_delivery(alert, delivery.ok, delivery.attempts, delivery.error, clock())
        report.deliveries.append((alert, delivery, redact(url)))


def select_specs(project: Project, names: Iterable[str] = ()) -> dict[str, Spec]:
    specs = find_specs(model_paths(project))
    wanted = list(names)
    unknown = sorted(set(wanted) - set(specs))
    if unknown:
        known = ", ".join(sorted(specs)) or "none"
        raise ScorehouseError(
            f"no model spec named {', '.join(unknown)} (specs in this project: {known})"
        )
    return {n: s for n, s in specs.items() if not wanted or n in wanted}


def run_monitor(
    project: Project,
    target: Target,
    *,
    models: Iterable[str] = (),
    webhook: str | None = None,
    settings: WebhookSettings = DEFAULT_SETTINGS,
    dry_run: bool = False,
) -> MonitorReport:
    """:func:`monitor` on the warehouse of a dbt target, for the project's declared models."""
    specs = select_specs(project, models)
    con = connect(target)
    try:
        return monitor(
            Session(con), target.schema, specs, webhook=webhook, settings=settings, dry_run=dry_run
        )
    finally:
        con.disconnect()
