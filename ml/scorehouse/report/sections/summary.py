"""The top of the page: the model's name, what it is for, and its verdict in one sentence."""

from __future__ import annotations

from html import escape

from scorehouse.report.data import ReportData
from scorehouse.report.sections.verdict import VERDICT_WORDS, latest_verdict

NO_VERDICT = "No verdict yet: no campaign with a control group judged it."


def render(data: ReportData) -> str:
    passport = data.passport or {}
    verdict = latest_verdict(data)
    what = passport.get("description") or "No passport was found for this model."
    code = str(verdict.get("verdict")) if verdict else "unknown"
    words = VERDICT_WORDS.get(code, NO_VERDICT)
    version = f"version {data.version}" if data.version is not None else "no registered version"
    return (
        f"<h1>{escape(data.model_name)}</h1>"
        f'<p class="muted">Model report, {version}, generated '
        f"{data.generated_at:%Y-%m-%d %H:%M} UTC by <code>scorehouse report</code>.</p>"
        f'<p class="lead">{escape(str(what))}</p>'
        f'<div class="verdict {escape(code)}" id="verdict-summary"><strong>Verdict:</strong> '
        f"{escape(words)}</div>"
    )
