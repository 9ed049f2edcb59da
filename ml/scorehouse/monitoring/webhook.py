"""Posting an alert to a Slack-compatible incoming webhook, with bounded retries.

The message is ``{"text": ..., "blocks": [...]}``: Slack shows the blocks, and ``text`` is
the fallback other chat tools (and notifications) use. A post that times out, cannot
connect, or gets a 5xx, 408 or 429 answer is retried up to ``attempts`` times in all,
waiting ``backoff``, ``2 * backoff``, ... seconds between tries. Any other 4xx is not
retried: the URL or the message is wrong, and trying again will not fix it.

Webhook URLs carry their secret in the path, so only their scheme and host are ever printed.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scorehouse.monitoring.alerts import Alert

ENV_VAR = "SCOREHOUSE_WEBHOOK_URL"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_ERROR_LENGTH = 300


@dataclass(frozen=True)
class WebhookSettings:
    timeout: float = 5.0
    attempts: int = 3
    backoff: float = 1.0


DEFAULT_SETTINGS = WebhookSettings()


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None = None


def is_url(value: str | None) -> bool:
    return bool(value) and urllib.parse.urlsplit(str(value)).scheme in ("http", "https")


def webhook_url(explicit: str | None, alert_channel: str | None) -> str | None:
    """The URL to post a model's alerts to: ``--webhook`` first, then the model's
    ``alert_channel`` when it is a URL, then the ``SCOREHOUSE_WEBHOOK_URL`` environment
    variable; ``None`` when there is none."""
    for candidate in (
        explicit,
        alert_channel if is_url(alert_channel) else None,
        os.environ.get(ENV_VAR),
    ):
        if candidate:
            return candidate
    return None


def redact(url: str) -> str:
    """``https://hooks.slack.com/…``: where a URL points, without its secret path."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


def post_json(
    url: str,
    payload: dict[str, Any],
    settings: WebhookSettings = DEFAULT_SETTINGS,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``payload`` as JSON; retry what may pass on a later try."""
    body = json.dumps(payload, default=str).encode()
    error = "not attempted"
    attempts = max(1, settings.attempts)
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "scorehouse-monitor"},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:
                response.read()
            return Delivery(True, attempt)
        except urllib.error.HTTPError as failure:
            error = f"HTTP {failure.code} {failure.reason}"
            if failure.code not in RETRY_STATUSES:
                return Delivery(False, attempt, error)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            error = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
        if attempt < attempts:
            sleep(settings.backoff * 2 ** (attempt - 1))
    return Delivery(False, attempts, f"{error} (after {attempts} attempts)"[:MAX_ERROR_LENGTH])


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def alert_message(
    alert: Alert, owner: str, kill_switch_owner: str, channel: str | None = None
) -> dict[str, Any]:
    """The Slack-compatible message for one alert."""
    what = f"{alert.model_name} v{alert.model_version}"
    comparison = f"observed {_number(alert.observed)} vs threshold {_number(alert.threshold)}"
    action = {
        "fallback": "switched to the rule baseline (next `dbt build` scores with the rule)",
        "disable": "switched off (next `dbt build` publishes no scores)",
    }.get(alert.action_taken, "alert only")
    status = "" if alert.status == "open" else f" ({alert.status} since: {alert.resolution})"
    text = (
        f"[{alert.severity}] {what}: {alert.description}{status}. {comparison}"
        f"{f' at cutoff {alert.cutoff}' if alert.cutoff else ''}. Action: {action}. "
        f"Owner: {owner}. Kill switch: {kill_switch_owner}."
    )
    fields = [
        ("Rule", f"`{alert.rule}`"),
        ("Observed vs threshold", f"{_number(alert.observed)} vs {_number(alert.threshold)}"),
        ("Action taken", action),
        ("Severity", alert.severity),
        ("Owner", owner),
        ("Kill-switch owner", kill_switch_owner),
    ]
    if alert.cutoff:
        fields.append(("Cutoff", str(alert.cutoff)))
    if alert.detail:
        fields.append(("Detail", alert.detail))
    if channel and not is_url(channel):
        fields.append(("Channel", channel))
    context = f"alert {alert.alert_id} · opened {alert.opened_at:%Y-%m-%d %H:%M} UTC"
    if alert.action_taken in ("fallback", "disable"):
        context += f" · switch back: `scorehouse enable {alert.model_name}`"
    return {
        "text": text,
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": f"{what}: {alert.description}"[:150]},
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{name}*\n{value}"[:2000]}
                    for name, value in fields[:10]
                ],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    }
