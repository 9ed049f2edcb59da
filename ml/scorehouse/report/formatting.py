"""Values in words for the page: numbers, plain text, passport fields stored as JSON.

Every function returns text that is safe to put in HTML (``number``, ``dated_note``) or
plain text to escape where it is used (``plain``, ``words``), as each one says.
"""

from __future__ import annotations

import json
import math
from html import escape
from typing import Any

from scorehouse.report.data import Rows
from scorehouse.report.rows import ordinal


def number(value: Any, kind: str = "number") -> str:
    """A value as the page shows it, escaped. ``kind``: number, percent (a share), points
    (a difference of shares, in percentage points) or p (a p-value)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float):
        return escape(str(value))
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if kind == "percent":
        return f"{100 * value:.1f} %"
    if kind == "points":
        return f"{100 * value:+.2f} pp"
    if kind == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1 if abs(value) >= 10 else 3
    return f"{value:,.{digits}f}".replace(",", " ")


def plain(value: Any) -> str:
    """A value in words, not escaped: whole numbers without a decimal point (DuckDB reads a
    column with NULLs back as floats), nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def words(value: Any) -> Any:
    """A passport field stored as JSON, in words, not escaped: a list joined by semicolons,
    a mapping as "name: description"; anything else as it is."""
    if not isinstance(value, str) or not value.startswith(("[", "{")):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, dict):
        name, description = parsed.get("name"), parsed.get("description")
        return f"{name}: {description}" if name and description else (name or description)
    if isinstance(parsed, list):
        return "; ".join(str(item) for item in parsed) or None
    return value


def dated_note(rows: Rows) -> str:
    """The span of scoring dates of ``rows``, as a muted line under a chart ("" without one)."""
    cutoffs = sorted({r.get("cutoff") for r in rows if r.get("cutoff") is not None}, key=ordinal)
    if not cutoffs:
        return ""
    first, last = escape(str(cutoffs[0])), escape(str(cutoffs[-1]))
    return f'<p class="muted">Scoring dates from {first} to {last}.</p>'
