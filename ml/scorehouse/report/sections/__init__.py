"""The report's sections, in the order of the page: each one's name and its renderer.

A renderer takes a model's :class:`~scorehouse.report.data.ReportData` and returns its part
of the page as HTML. Every section but the summary (the page's header) is a
:class:`~scorehouse.report.layout.Section` named by its anchor (``<section id="...">``), and
says in words when there is nothing to show yet. To add a section, write its module and list
it here.
"""

from __future__ import annotations

from collections.abc import Callable

from scorehouse.report.data import ReportData
from scorehouse.report.sections import (
    calibration,
    deciles,
    drift,
    lift,
    passport,
    quality,
    summary,
    uplift_curves,
    verdict,
)

Renderer = Callable[[ReportData], str]

SECTIONS: dict[str, Renderer] = {
    "summary": summary.render,
    "passport": passport.SECTION,
    "quality": quality.SECTION,
    "lift": lift.SECTION,
    "deciles": deciles.SECTION,
    "curves": uplift_curves.SECTION,
    "calibration": calibration.SECTION,
    "drift": drift.SECTION,
    "verdict": verdict.SECTION,
}
