"""HTML tables of warehouse rows."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from scorehouse.report.data import Rows
from scorehouse.report.formatting import number, plain

# (key in the row, heading, kind): kind "text" is shown as it is and aligned left, any
# other is a kind of formatting.number
Column = tuple[str, str, str]


def table(rows: Rows, columns: Sequence[Column]) -> str:
    """A scrollable table of ``rows``; a column that no row has is left out."""
    shown = [c for c in columns if any(c[0] in r for r in rows)]
    head = "".join(
        f'<th class="{"text" if kind == "text" else ""}">{escape(title)}</th>'
        for _, title, kind in shown
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="text">{escape(plain(row.get(key)))}</td>'
            if kind == "text"
            else f"<td>{number(row.get(key), kind)}</td>"
            for key, _, kind in shown
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
