"""``scorehouse models``: every declared or registered model, one line each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scorehouse.engines import connect
from scorehouse.project import Project, Target
from scorehouse.registry.versions import Registry
from scorehouse.spec import find_specs

HEADER = ("model", "versions", "champion", "challenger", "serving", "age", "due", "metric",
          "model", "rule")  # fmt: skip


def model_rows(project: Project, target: Target) -> list[tuple[str, ...]]:
    """One row per model: versions, champion, challenger, serving mode, age, due date, and
    the champion's primary metric against its rule."""
    specs = find_specs(project.model_paths)
    with connect(target) as con:
        registry = Registry(con, target.schema)
        registry.ensure_tables()
        versions = registry.versions()
        passports = {p["model_name"]: p for p in registry.passports()}
    today = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for name in sorted(set(specs) | {v["model_name"] for v in versions}):
        mine = [v for v in versions if v["model_name"] == name]
        passport: dict[str, Any] = passports.get(name, {})
        champion = next((v for v in mine if v["status"] == "champion"), None)
        challenger = next((v for v in reversed(mine) if v["status"] == "challenger"), None)
        due = passport.get("due_at")
        metric = passport.get("primary_metric") or (
            specs[name].primary_metric if name in specs else "-"
        )
        rows.append(
            (
                name,
                str(len(mine)),
                f"v{champion['version']}" if champion else "-",
                f"v{challenger['version']}" if challenger else "-",
                passport.get("serving") or "rule",
                f"{(today - champion['trained_at']).days} d" if champion else "-",
                (due.date().isoformat() + (" (overdue)" if due < today else "")) if due else "-",
                metric,
                _fmt(champion["model_value"]) if champion else "-",
                _fmt(champion["baseline_value"]) if champion else "-",
            )
        )
    return rows


def aligned(rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> list[str]:
    """``rows`` under ``header``, in columns."""
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    return [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"
