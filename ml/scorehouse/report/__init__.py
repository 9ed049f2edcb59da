"""``scorehouse report``: one self-contained HTML page per model, for the people who decide
whether it stays: its passport, quality against the rule, campaign lift, uplift by decile,
Qini and uplift curves, calibration and drift over time, and the verdict."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.project import Target
from scorehouse.report.data import ReportData, load_report_data, model_names
from scorehouse.report.page import render_report

__all__ = [
    "DEFAULT_DIR",
    "ReportData",
    "load_report_data",
    "render_report",
    "report_path",
    "write_reports",
]

DEFAULT_DIR = Path("reports")


def report_path(out_dir: Path, model_name: str) -> Path:
    return out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', model_name)}.html"


def write_reports(target: Target, names: Sequence[str], out_dir: Path) -> list[Path]:
    """Write the report of each model in ``names`` (every model with a passport when empty)
    into ``out_dir``; returns the files written."""
    with connect(target) as con:
        known = model_names(con, target.schema)
        chosen = list(names) or known
        unknown = [n for n in chosen if n not in known]
        if unknown:
            raise ScorehouseError(
                f"no model {', '.join(unknown)} in {target.schema}: nothing registered or "
                f"measured for it (models known: {', '.join(known) or 'none'})"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in chosen:
            path = report_path(out_dir, name)
            html = render_report(load_report_data(con, target.schema, name))
            path.write_text(html, encoding="utf-8")
            written.append(path)
        return written
