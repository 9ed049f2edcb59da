"""The Slack-compatible message of one alert: ``text`` for any chat tool, ``blocks`` for
Slack, and the delivery id (see :mod:`scorehouse.monitoring.webhook`)."""

from __future__ import annotations

from typing import Any

from scorehouse.monitoring.alerts import Alert
from scorehouse.monitoring.webhook import DELIVERY_FIELD
from scorehouse.urls import is_url


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def alert_message(
    alert: Alert, owner: str, kill_switch_owner: str, channel: str | None = None
) -> dict[str, Any]:
    """The Slack-compatible message for one alert."""
    what = f"{alert.model_name} v{alert.model_version}"
    comparison = f"observed {number(alert.observed)} vs threshold {number(alert.threshold)}"
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
        ("Observed vs threshold", f"{number(alert.observed)} vs {number(alert.threshold)}"),
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
        DELIVERY_FIELD: alert.alert_id,
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
