"""What one monitor run found and did: per model, and for the whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scorehouse.monitoring.alerts import Alert
from scorehouse.monitoring.rules import INVALID, Finding
from scorehouse.monitoring.webhook import Delivery


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
