"""The readable summary ``scorehouse monitor`` prints: per model, every rule and its outcome."""

from __future__ import annotations

from scorehouse.monitoring.alerts import NOT_CONFIGURED, Alert
from scorehouse.monitoring.message import number
from scorehouse.monitoring.results import ModelResult, MonitorReport
from scorehouse.monitoring.rules import BREACH, Finding


def _comparison(f: Finding) -> str:
    if f.observed is None:
        return f"threshold {number(f.threshold)}" if f.threshold is not None else ""
    if f.threshold is None:
        return number(f.observed)
    return f"{number(f.observed)} vs threshold {number(f.threshold)}"


def _finding_line(f: Finding, model: ModelResult) -> str:
    new = {a.rule: a for a in model.new}
    still = {a.rule for a in model.still_open if a.model_version == f.version}
    resolved = {a.rule for a in model.resolved if a.model_version == f.version}
    if f.rule in new:
        state = "NEW"
    elif f.rule in still:
        state = "OPEN"
    elif f.rule in resolved:
        state = "RESOLVED"
    else:
        state = f.state if f.state != BREACH else "BREACH"
    severity = f.severity if state in ("NEW", "OPEN", "BREACH") else ""
    comparison = _comparison(f)
    if comparison and not f.rule.startswith(f.metric):
        comparison = f"{f.metric} {comparison}"  # e.g. stale: days_since_scored 40 vs ...
    parts = [f"{f.rule}: {comparison}".rstrip(": ")]
    if f.cutoff:
        parts.append(f"cutoff {f.cutoff}")
    if f.detail:
        parts.append(f.detail)
    alert = new.get(f.rule)
    if alert is not None and alert.action_taken != "alert":
        parts.append(f"action: {alert.action_taken}")
    return f"  {state:<9}{severity:<8} " + " · ".join(parts)


def _gone_line(alert: Alert) -> str:
    return f"  {'RESOLVED':<9}{'':<8} {alert.rule} (v{alert.model_version}): {alert.resolution}"


def format_report(report: MonitorReport, verdict: bool = True) -> list[str]:
    """The summary's lines; with ``verdict``, ending with whether a human is needed, and why."""
    lines = []
    if report.dry_run:
        lines.append("dry run: nothing written, no action taken, nothing posted")
    for model in report.models:
        if model.version is None:
            lines.append(f"{model.name} · serving {model.serving_before} · {model.note}")
            continue
        serving = model.serving_before
        if model.action:
            serving += f" → {model.serving_after}"
        lines.append(f"{model.name} v{model.version} · serving {serving}")
        lines += [_finding_line(f, model) for f in model.findings]
        evaluated = {(f.version, f.rule) for f in model.findings}
        lines += [
            _gone_line(a) for a in model.resolved if (a.model_version, a.rule) not in evaluated
        ]
    delivered = [(a, d, url) for a, d, url in report.deliveries if d.ok]
    failed = [(a, d, url) for a, d, url in report.deliveries if not d.ok]
    if delivered:
        where = ", ".join(sorted({url for _, _, url in delivered}))
        lines.append(f"webhook: {len(delivered)} alert(s) delivered to {where}")
    for alert, delivery, url in failed:
        lines.append(
            f"webhook: alert {alert.model_name} `{alert.rule}` NOT delivered to {url}: "
            f"{delivery.error}; it stays recorded and is posted again on the next run"
        )
    unposted = [a for m in report.models for a in m.new if a.delivery_status == NOT_CONFIGURED]
    if unposted and not report.dry_run:
        lines.append(
            f"webhook: none configured; {len(unposted)} new alert(s) are recorded in ml_alerts only"
        )
    if report.undeliverable:
        lines.append(
            f"webhook: {len(report.undeliverable)} alert(s) wait for a webhook (--webhook, "
            "the spec's alert_channel as a URL, or SCOREHOUSE_WEBHOOK_URL)"
        )
    if report.unrecorded:
        lines.append(
            f"webhook: the outcome of these posts could not be recorded in ml_alerts "
            f"({report.unrecorded}); the next run posts them again, with the same delivery id"
        )
    if not verdict:
        return lines
    reasons = report.attention()
    if reasons:
        lines.append("needs a human:")
        lines += [f"  - {reason}" for reason in reasons]
    else:
        lines.append("nothing needs a human")
    return lines
