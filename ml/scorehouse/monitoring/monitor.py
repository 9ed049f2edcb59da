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
from collections.abc import Callable, Iterable, Iterator

from scorehouse.engines import Connection, connect
from scorehouse.errors import ScorehouseError
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
from scorehouse.monitoring.contract import check_monitoring_tables
from scorehouse.monitoring.delivery import Connector, outbox, record_outcomes, webhook_urls
from scorehouse.monitoring.observe import Reader
from scorehouse.monitoring.results import ModelResult, MonitorReport, Post
from scorehouse.monitoring.rules import evaluate
from scorehouse.monitoring.webhook import (
    DEFAULT_SETTINGS,
    Delivery,
    WebhookSettings,
    post_json,
    redact,
)
from scorehouse.project import Project, Target
from scorehouse.registry.versions import Registry, now
from scorehouse.spec import Spec, find_specs

Poster = Callable[[str, dict[str, object], WebhookSettings], Delivery]


def monitor(
    con: Connection,
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
    on an open connection ``con`` that stays open (:func:`monitor_with` lets go of it to post)."""

    @contextlib.contextmanager
    def same_connection() -> Iterator[Connection]:
        yield con

    return monitor_with(
        same_connection,
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
    with connector() as con:
        report, posts = _evaluate_and_record(con, schema, specs, urls, dry_run, clock)
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
            report.unrecorded = record_outcomes(connector, schema, outcomes)
    return report


def _evaluate_and_record(
    con: Connection,
    schema: str,
    specs: dict[str, Spec],
    urls: dict[str, str | None],
    dry_run: bool,
    clock: Callable[[], dt.datetime],
) -> tuple[MonitorReport, list[Post]]:
    """Steps 1 to 3 of the module doc, on one connection: the report, and the alerts to post."""
    registry = Registry(con, schema)
    registry.ensure_tables()
    check_monitoring_tables(con, schema)
    table = AlertTable(con, schema)
    if not dry_run:
        table.ensure()
    at = clock()
    passports = {p["model_name"]: p for p in registry.passports()}
    reader = Reader(con, schema)

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
        has_table = TABLE in con.relation_columns(schema, (TABLE,))
        for spec, result in evaluated:
            open_alerts = table.open(spec.name) if has_table else []
            _apply(spec, result, open_alerts, None, at, urls[spec.name])
        return MonitorReport(results, dry_run=True), []

    report = MonitorReport(results)
    with con.transaction():
        table.lock()
        # Serving as it is now, under the lock: an `enable` may have run since it was read.
        current = {p["model_name"]: str(p["serving"]) for p in registry.passports()}
        for spec, result in evaluated:
            result.serving_before = result.serving_after = current.get(
                spec.name, result.serving_before
            )
            _apply(spec, result, table.open(spec.name), (registry, table), at, urls[spec.name])
        posts = outbox(report, table, specs, passports, urls)
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


def select_specs(project: Project, names: Iterable[str] = ()) -> dict[str, Spec]:
    specs = find_specs(project.model_paths)
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

    return monitor_with(
        lambda: connect(target),
        target.schema,
        specs,
        webhook=webhook,
        settings=settings,
        dry_run=dry_run,
    )
