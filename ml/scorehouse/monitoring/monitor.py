"""``scorehouse monitor``: evaluate every model's SLA, record alerts, act, and deliver.

One run:

1. reads the monitoring tables for each model's champion (:mod:`observe`) and evaluates its
   rules (:mod:`rules`);
2. in one transaction, opens an alert per new breach, follows or resolves the open ones
   (:mod:`alerts`) and throws the kill switch a new breach asks for (:mod:`actions`), so a
   breach and its action are recorded together or not at all;
3. reads, in that transaction, every alert of these models not yet delivered: the new
   ones, those recorded while no webhook was configured, and those whose post failed or
   whose outcome could not be recorded on an earlier run (:meth:`AlertTable.undelivered`);
4. lets go of the warehouse, then posts them to the webhook (:mod:`webhook`): a webhook
   that is slow or down must not keep the warehouse busy (a DuckDB file is locked for as
   long as a process holds it open, and a ``dbt`` run started meanwhile could not connect);
5. connects again for one short transaction recording every outcome. When that fails (the
   file is locked by then), the report says so, and the alerts stay undelivered in
   ``ml_alerts``: the next run posts them again, with the same delivery id.

Every webhook URL in use is checked before anything is written: only http and https.

The report says whether anything needs a human: an open error alert nobody acknowledged, a
serving change made by this run, a rule that cannot be evaluated, an alert that could
not be delivered, or delivery outcomes that could not be recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
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
# Opens the warehouse for one phase of a run and lets go of it afterwards.
Connector = Callable[[], AbstractContextManager[Session]]
# Waits before the 2nd, 3rd... try to connect for recording delivery outcomes.
RECORD_WAITS = (1.0, 2.0)


@dataclass(frozen=True)
class Post:
    """An alert to post, where to, and its message (which carries its delivery id)."""

    alert: Alert
    url: str
    payload: dict[str, Any]


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
    # earlier alerts never delivered, with no webhook now (new ones are in models[].new)
    undeliverable: list[Alert] = field(default_factory=list)
    dry_run: bool = False
    unrecorded: str | None = None  # why the deliveries' outcomes could not be recorded

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
        if self.unrecorded:
            reasons.append(
                f"the outcome of posting {len(self.deliveries)} alert(s) could not be recorded "
                f"in ml_alerts ({self.unrecorded}); the next run posts them again, with the "
                "same delivery id"
            )
        return reasons

    @property
    def needs_human(self) -> bool:
        return bool(self.attention())


def webhook_urls(specs: dict[str, Spec], webhook: str | None) -> dict[str, str | None]:
    """The webhook URL of each model (``None``: no webhook), every one checked: a URL that
    is not http(s), from ``--webhook``, an ``alert_channel`` or the environment, raises."""
    return {
        name: webhook_url(webhook, spec.sla.alert_channel, name) for name, spec in specs.items()
    }


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
    """Evaluate, record, act and deliver for the models in ``specs`` (see the module doc),
    on an open ``session`` that stays open (:func:`monitor_with` lets go of it to post)."""

    @contextlib.contextmanager
    def same_session() -> Iterator[Session]:
        yield session

    return monitor_with(
        same_session,
        schema,
        specs,
        webhook=webhook,
        settings=settings,
        dry_run=dry_run,
        clock=clock,
        poster=poster,
    )


def monitor_with(
    connector: Connector,
    schema: str,
    specs: dict[str, Spec],
    *,
    webhook: str | None = None,
    settings: WebhookSettings = DEFAULT_SETTINGS,
    dry_run: bool = False,
    clock: Callable[[], dt.datetime] = now,
    poster: Poster = post_json,
) -> MonitorReport:
    """:func:`monitor`, holding the warehouse only while it reads and writes: ``connector``
    opens it once to evaluate and record, and once more, after posting, to record the
    outcomes."""
    urls = webhook_urls(specs, webhook)  # before anything is written
    with connector() as session:
        report, posts = _evaluate_and_record(session, schema, specs, urls, dry_run, clock)
    if not posts:
        return report
    outcomes: list[tuple[Post, Delivery, dt.datetime]] = []
    try:
        for post in posts:
            delivery = poster(post.url, post.payload, settings)
            outcomes.append((post, delivery, clock()))
            report.deliveries.append((post.alert, delivery, redact(post.url)))
    finally:  # even when interrupted: what was posted is recorded
        if outcomes:
            report.unrecorded = _record_outcomes(connector, schema, outcomes)
    return report


def _evaluate_and_record(
    session: Session,
    schema: str,
    specs: dict[str, Spec],
    urls: dict[str, str | None],
    dry_run: bool,
    clock: Callable[[], dt.datetime],
) -> tuple[MonitorReport, list[Post]]:
    """Steps 1 to 3 of the module doc, on one session: the report, and the alerts to post."""
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
            open_alerts = table.open(spec.name) if has_table else []
            _apply(spec, result, open_alerts, None, at, urls[spec.name])
        return MonitorReport(results, dry_run=True), []

    report = MonitorReport(results)
    with session.transaction():
        _lock(session, table)
        # Serving as it is now, under the lock: an `enable` may have run since it was read.
        current = {p["model_name"]: str(p["serving"]) for p in registry.passports()}
        for spec, result in evaluated:
            result.serving_before = result.serving_after = current.get(
                spec.name, result.serving_before
            )
            _apply(spec, result, table.open(spec.name), (registry, table), at, urls[spec.name])
        posts = _outbox(report, table, specs, passports, urls)
    return report, posts


def _apply(
    spec: Spec,
    result: ModelResult,
    open_alerts: list[Alert],
    writers: tuple[Registry, AlertTable] | None,
    at: dt.datetime,
    url: str | None,
) -> None:
    """Plan one model's alerts and action; write them unless ``writers`` is None (dry run).
    ``url`` is the model's webhook, if any."""
    todo = plan(open_alerts, result.findings)
    target = actions.serving_after(spec.sla.on_breach, result.serving_before, todo.new)
    acting = [f for f in todo.new if f.on_breach in actions.TARGETS]
    status = PENDING if url else NOT_CONFIGURED
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


def _outbox(
    report: MonitorReport,
    table: AlertTable,
    specs: dict[str, Spec],
    passports: dict[str, dict[str, Any]],
    urls: dict[str, str | None],
) -> list[Post]:
    """Every alert of these models not delivered yet, with its message, for the models that
    have a webhook; the others' earlier alerts go to ``report.undeliverable``."""
    in_report = {a.alert_id: a for m in report.models for a in (*m.still_open, *m.resolved)}
    new_ids = {a.alert_id for m in report.models for a in m.new}
    posts = []
    for row in table.undelivered(sorted(specs)):
        alert = in_report.get(row.alert_id, row)
        spec = specs[alert.model_name]
        url = urls[alert.model_name]
        if url is None:
            if alert.alert_id not in new_ids:  # new ones are reported as not configured
                report.undeliverable.append(alert)
            continue
        passport = passports.get(alert.model_name) or {}
        owner = passport.get("owner") or spec.people.owner
        kill = passport.get("kill_switch_owner") or spec.people.kill_switch_owner
        payload = alert_message(alert, owner, kill, spec.sla.alert_channel)
        posts.append(Post(alert, url, payload))
    return posts


def _record_outcomes(
    connector: Connector, schema: str, outcomes: list[tuple[Post, Delivery, dt.datetime]]
) -> str | None:
    """Record the posts' outcomes in one short transaction; ``None``, or why that failed.
    Connecting is tried again after each of :data:`RECORD_WAITS` (a DuckDB file another
    process holds for a moment); the writing itself is not."""
    why = "not attempted"
    for wait in (0.0, *RECORD_WAITS):
        if wait:
            time.sleep(wait)
        with contextlib.ExitStack() as stack:
            try:
                session = stack.enter_context(connector())
            except ScorehouseError as error:  # cannot connect: locked, or the server is away
                why = str(error)
                continue
            try:
                table = AlertTable(session, schema)
                with session.transaction():
                    for post, delivery, at in outcomes:
                        table.record_delivery(
                            post.alert, delivery.ok, delivery.attempts, delivery.error, at
                        )
            except Exception as error:  # the posts happened: report it, never lose them
                return f"{type(error).__name__}: {error}"
            return None
    return why


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

    @contextlib.contextmanager
    def warehouse() -> Iterator[Session]:
        con = connect(target)
        try:
            yield Session(con)
        finally:
            con.disconnect()

    return monitor_with(
        warehouse, target.schema, specs, webhook=webhook, settings=settings, dry_run=dry_run
    )
