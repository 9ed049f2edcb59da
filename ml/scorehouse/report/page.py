"""A model's report as one self-contained HTML page: inline CSS and SVG, no script, no
network, readable offline by someone who has never seen the warehouse."""

from __future__ import annotations

from html import escape

from scorehouse.report.data import ReportData
from scorehouse.report.layout import stylesheet
from scorehouse.report.sections import SECTIONS


def _absent(data: ReportData) -> str:
    """The tables the report read that the warehouse does not have yet, named at the end."""
    if not data.absent:
        return ""
    tables = ", ".join(f"<code>{escape(t)}</code>" for t in data.absent)
    return f'<p class="muted">Not in the warehouse yet: {tables}.</p>'


def render_report(data: ReportData) -> str:
    body = "".join(render(data) for render in SECTIONS.values()) + _absent(data)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.model_name)}: model report</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>\n{stylesheet()}</style></head><body>{body}</body></html>\n"
    )
