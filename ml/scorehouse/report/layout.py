"""The page's frame: its stylesheet and the frame every section of the report shares."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from importlib import resources

from scorehouse.report.data import ReportData


@functools.cache
def stylesheet() -> str:
    """The report's CSS, a file of the package (``report.css``): the page inlines it, so that
    the report stays one file that opens offline."""
    return resources.files("scorehouse.report").joinpath("report.css").read_text(encoding="utf-8")


def empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


@dataclass(frozen=True)
class Section:
    """One titled part of the report: ``body`` gives its content, or "" when there is nothing
    to show yet, and then ``empty`` says so in words. ``lead`` is HTML, the rest text."""

    anchor: str
    title: str
    lead: str
    empty: str
    body: Callable[[ReportData], str]

    def __call__(self, data: ReportData) -> str:
        return (
            f'<section id="{self.anchor}"><h2>{escape(self.title)}</h2>'
            f'<p class="lead">{self.lead}</p>{self.body(data) or empty(self.empty)}</section>'
        )
