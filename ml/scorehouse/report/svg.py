"""Inline SVG charts, drawn here so that a report needs no script and no network.

Every chart is an ``<svg class="chart">``; each series is a ``<g class="series">`` whose
data points are elements of class ``point`` carrying ``data-x`` and ``data-y``, so a test
(or a curious reader of the source) can find the numbers behind each mark.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 640, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 150, 16, 48
PALETTE = ("#1b6ca8", "#d1495b", "#2a9d8f", "#e9a03b", "#6a4c93", "#7a7a7a")


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]
    # optional (low, high) per point: drawn as whiskers
    intervals: list[tuple[float, float]] | None = None
    dashed: bool = False
    markers: bool = True


@dataclass
class _Scale:
    low: float
    high: float
    start: float
    stop: float
    ticks: list[float] = field(default_factory=list)

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.stop - self.start)


def _nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[float]]:
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    ticks = [start + i * step for i in range(int(round((stop - start) / step)) + 1)]
    return start, stop, ticks


def _fmt(value: float) -> str:
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.2g}"
    return (
        f"{value:.3f}".rstrip("0").rstrip(".") if not float(value).is_integer() else f"{value:.0f}"
    )


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _scales(series: Sequence[Series], zero: bool) -> tuple[_Scale, _Scale]:
    xs = _finite([x for s in series for x, _ in s.points])
    ys = _finite([y for s in series for _, y in s.points])
    ys += _finite([v for s in series for pair in (s.intervals or []) for v in pair])
    if zero:
        ys.append(0.0)
    x0, x1, xt = _nice_ticks(min(xs, default=0.0), max(xs, default=1.0))
    y0, y1, yt = _nice_ticks(min(ys, default=0.0), max(ys, default=1.0))
    plot_right = WIDTH - MARGIN_RIGHT
    return (
        _Scale(x0, x1, MARGIN_LEFT, plot_right, xt),
        _Scale(y0, y1, HEIGHT - MARGIN_BOTTOM, MARGIN_TOP, yt),
    )


def _date_label(days: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=round(days))).isoformat()


def _frame(
    title: str, x_label: str, y_label: str, sx: _Scale, sy: _Scale, x_dates: bool = False
) -> list[str]:
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for t in sy.ticks:
        y = sy(t)
        parts.append(
            f'<line x1="{sx.start:.1f}" y1="{y:.1f}" x2="{sx.stop:.1f}" y2="{y:.1f}" '
            'stroke="#e4e4e4"/>'
            f'<text x="{sx.start - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#555">{_fmt(t)}</text>'
        )
    for t in sx.ticks:
        x = sx(t)
        parts.append(
            f'<text x="{x:.1f}" y="{sy.start + 16:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#555">{_date_label(t) if x_dates else _fmt(t)}</text>'
        )
    if sy.low < 0 < sy.high:
        parts.append(
            f'<line x1="{sx.start:.1f}" y1="{sy(0):.1f}" x2="{sx.stop:.1f}" y2="{sy(0):.1f}" '
            'stroke="#888"/>'
        )
    parts.append(
        f'<line x1="{sx.start:.1f}" y1="{sy.start:.1f}" x2="{sx.stop:.1f}" y2="{sy.start:.1f}" '
        'stroke="#333"/>'
        f'<text x="{(sx.start + sx.stop) / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
        f'font-size="12" fill="#222">{escape(x_label)}</text>'
        f'<text transform="translate(14 {(sy.start + sy.stop) / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="12" fill="#222">{escape(y_label)}</text>'
    )
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        y = MARGIN_TOP + 10 + 18 * i
        x = WIDTH - MARGIN_RIGHT + 14
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        parts.append(
            f'<line x1="{x}" y1="{y}" x2="{x + 18}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/>'
            f'<text x="{x + 24}" y="{y + 4}" font-size="11" fill="#222">{escape(s.name)}</text>'
        )
    return parts


def _point(x: float, y: float, px: float, py: float, colour: str, visible: bool) -> str:
    radius = 3 if visible else 0
    return (
        f'<circle class="point" cx="{px:.1f}" cy="{py:.1f}" r="{radius}" fill="{colour}" '
        f'data-x="{x!r}" data-y="{y!r}"><title>{_fmt(x)}: {_fmt(y)}</title></circle>'
    )


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    zero: bool = True,
    x_dates: bool = False,
) -> str:
    """Lines through each series' points, in the order given. With ``x_dates``, x is a
    number of days since 1970-01-01 and its ticks read as dates."""
    sx, sy = _scales(series, zero)
    if x_dates:
        sx.ticks = sx.ticks[:: max(1, len(sx.ticks) // 4)]
    parts = _frame(title, x_label, y_label, sx, sy, x_dates)
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        pts = [(x, y) for x, y in s.points if x is not None and y is not None]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        parts.append(f'<g class="series" data-name="{escape(s.name)}">')
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        parts += [_point(x, y, sx(x), sy(y), colour, s.markers) for x, y in pts]
        parts.append("</g>")
    return "\n".join(parts + _legend(series) + ["</svg>"])


def bar_chart(
    categories: Sequence[str], series: Sequence[Series], *, title: str, x_label: str, y_label: str
) -> str:
    """Grouped bars: series k's point i is the bar of category i (x is ignored)."""
    ys = [
        Series(s.name, [(float(i), y) for i, (_, y) in enumerate(s.points)], s.intervals)
        for s in series
    ]
    _, sy = _scales(ys, zero=True)
    sx = _Scale(0, len(categories), MARGIN_LEFT, WIDTH - MARGIN_RIGHT)
    parts = _frame(title, x_label, y_label, _Scale(0, 1, sx.start, sx.stop), sy)
    slot = (sx.stop - sx.start) / max(len(categories), 1)
    width = slot * 0.8 / max(len(series), 1)
    for i, name in enumerate(categories):
        parts.append(
            f'<text x="{sx.start + slot * (i + 0.5):.1f}" y="{sy.start + 16:.1f}" '
            f'text-anchor="middle" font-size="11" fill="#555">{escape(name)}</text>'
        )
    base = sy(max(sy.low, min(0.0, sy.high)))
    for k, s in enumerate(ys):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(f'<g class="series" data-name="{escape(s.name)}">')
        for i, (_, y) in enumerate(s.points):
            if y is None or not math.isfinite(y):
                continue
            left = sx.start + slot * i + slot * 0.1 + width * k
            top, bottom = sorted((sy(y), base))
            parts.append(
                f'<rect class="point" x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{max(bottom - top, 0.5):.1f}" fill="{colour}" '
                f'data-x="{escape(categories[i])}" data-y="{y!r}"><title>{escape(categories[i])}: '
                f"{_fmt(y)}</title></rect>"
            )
            if s.intervals and s.intervals[i][0] is not None and s.intervals[i][1] is not None:
                low, high = s.intervals[i]
                mid = left + width / 2
                parts.append(
                    f'<line x1="{mid:.1f}" y1="{sy(low):.1f}" x2="{mid:.1f}" y2="{sy(high):.1f}" '
                    'stroke="#222" stroke-width="1.2"/>'
                )
        parts.append("</g>")
    return "\n".join(parts + _legend(ys) + ["</svg>"])
