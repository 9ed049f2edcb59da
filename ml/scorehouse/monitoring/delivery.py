"""Posting the alerts a monitor run leaves undelivered, and recording each outcome.

The warehouse is not held while posting (a DuckDB file would stay locked through a hanging
webhook's retries): the outbox is read inside the run's transaction, the posts happen
after, and the outcomes are written in one short transaction of their own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from scorehouse.engines import Connection
from scorehouse.errors import ScorehouseError
from scorehouse.monitoring.alerts import AlertTable
from scorehouse.monitoring.message import alert_message
from scorehouse.monitoring.results import MonitorReport, Post
from scorehouse.monitoring.webhook import Delivery, webhook_url
from scorehouse.spec import Spec

# Opens the warehouse for one phase of a run and lets go of it afterwards.
Connector = Callable[[], AbstractContextManager[Connection]]
# Waits before the 2nd, 3rd... try to connect for recording delivery outcomes.
RECORD_WAITS = (1.0, 2.0)


def webhook_urls(specs: dict[str, Spec], webhook: str | None) -> dict[str, str | None]:
    """The webhook URL of each model (``None``: no webhook), every one checked: a URL that
    is not http(s), from ``--webhook``, an ``alert_channel`` or the environment, raises."""
    return {
        name: webhook_url(webhook, spec.sla.alert_channel, name) for name, spec in specs.items()
    }


def outbox(
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


def record_outcomes(
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
                con = stack.enter_context(connector())
            except ScorehouseError as error:  # cannot connect: locked, or the server is away
                why = str(error)
                continue
            try:
                table = AlertTable(con, schema)
                with con.transaction():
                    for post, delivery, at in outcomes:
                        table.record_delivery(
                            post.alert, delivery.ok, delivery.attempts, delivery.error, at
                        )
            except Exception as error:  # the posts happened: report it, never lose them
                return f"{type(error).__name__}: {error}"
            return None
    return why
