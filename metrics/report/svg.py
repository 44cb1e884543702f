"""Charts as inline SVG strings: the report works offline, with no script and no CDN.

Each function takes plain Python values and returns one ``<svg>`` element sized by its
``viewBox`` (the page scales it to the panel's width).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 34
PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#9333ea", "#dc2626", "#0891b2")
Formatter = Callable[[float], str]
Series = tuple[str, Sequence[tuple[dt.date, float | None]]]


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.2f}"


def percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _svg(body: list[str], label: str, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>{"".join(body)}</svg>'
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", cls: str = "tick") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}">{escape(text)}</text>'


def _legend(names: Sequence[str], colors: Sequence[str]) -> list[str]:
    out, x = [], LEFT
    for name, color in zip(names, colors, strict=True):
        out.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{color}"/>')
        out.append(_text(x + 14, 17, name, "start", "legend"))
        x += 24 + 7 * len(name)
    return out


def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving four to six intervals."""
    raw = (span or 1.0) / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _y_axis(lo: float, hi: float, fmt: Formatter, height: int = HEIGHT) -> tuple[list[str], Callable[[float], float]]:
    """Grid lines at round values covering lo..hi, and the value -> y mapping."""
    step = _nice_step(hi - lo)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    bottom = height - BOTTOM

    def y(value: float) -> float:
        return bottom - (value - lo) / ((hi - lo) or 1) * (bottom - TOP)

    out = []
    for i in range(round((hi - lo) / step) + 1):
        value = lo + i * step
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="grid"/>')
        out.append(_text(LEFT - 6, y(value) + 4, fmt(value), "end"))
    return out, y


def line_chart(series: Sequence[Series], label: str, fmt: Formatter = number, y_max: float | None = None) -> str:
    """One line per series over dates (gaps where a value is None)."""
    dates = sorted({d for _, points in series for d, _ in points})
    values = [v for _, points in series for _, v in points if v is not None]
    lo = min(0.0, *values) if values else 0.0
    hi = y_max if y_max is not None else (max(values) if values else 1.0) or 1.0
    body, y = _y_axis(lo, hi, fmt)
    span = max(len(dates) - 1, 1)

    def x(day: dt.date) -> float:
        return LEFT + dates.index(day) / span * (WIDTH - LEFT - RIGHT)

    for i in range(0, len(dates), max(1, len(dates) // 6)):
        anchor = "start" if i == 0 else "end" if i == len(dates) - 1 else "middle"
        body.append(_text(x(dates[i]), HEIGHT - BOTTOM + 16, dates[i].isoformat(), anchor))
    colors = PALETTE[: len(series)]
    for (name, points), color in zip(series, colors, strict=True):
        for run in _runs(points):
            path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in run)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" class="series">'
                f"<title>{escape(name)}</title></polyline>"
            )
            if len(dates) <= 24:  # few points: mark each one
                body += [f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="{color}"/>' for d, v in run]
    return _svg(body + _legend([name for name, _ in series], colors), label)


def _runs(points: Sequence[tuple[dt.date, float | None]]) -> list[list[tuple[dt.date, float]]]:
    """Consecutive non-missing points, so a missing value breaks the line instead of faking zero."""
    runs: list[list[tuple[dt.date, float]]] = [[]]
    for day, value in sorted(points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((day, value))
    return [r for r in runs if r]


def bar_chart(bars: Sequence[tuple[str, float, bool]], label: str, fmt: Formatter = percent, x_max: float = 1.0) -> str:
    """Horizontal bars (label, value, highlighted), one per row."""
    row = 22
    height = TOP + row * len(bars) + 8
    body = []
    width = WIDTH - 200 - 60
    for i, (name, value, highlight) in enumerate(bars):
        top = TOP + i * row
        length = max(value / (x_max or 1), 0) * width
        color = PALETTE[0] if highlight else "#94a3b8"
        body.append(_text(192, top + 15, name, "end", "label"))
        body.append(
            f'<rect x="200" y="{top + 3}" width="{length:.1f}" height="{row - 6}" fill="{color}" class="bar">'
            f"<title>{escape(name)}: {fmt(value)}</title></rect>"
        )
        body.append(_text(206 + length, top + 15, fmt(value), "start", "value"))
    return _svg(body + _legend(["core feature", "other"], [PALETTE[0], "#94a3b8"]), label, height)


def stacked_bars(
    periods: Sequence[str], stacks: Sequence[tuple[str, Sequence[float], str]], label: str, fmt: Formatter = number
) -> str:
    """Columns per period (or any label); each stack (name, values, color) goes up, or down when negative."""
    ups = [sum(max(v[i], 0) for _, v, _ in stacks) for i in range(len(periods))]
    downs = [sum(min(v[i], 0) for _, v, _ in stacks) for i in range(len(periods))]
    hi, lo = max([*ups, 1]), min([*downs, 0])
    body, y = _y_axis(lo, hi, fmt)
    slot = (WIDTH - LEFT - RIGHT) / max(len(periods), 1)
    for i, period in enumerate(periods):
        left = LEFT + i * slot + slot * 0.15
        up = down = 0.0
        for name, values, color in stacks:
            value = values[i]
            base = up if value >= 0 else down
            top, end = y(base + value), y(base)
            body.append(
                f'<rect x="{left:.1f}" y="{min(top, end):.1f}" width="{slot * 0.7:.1f}" '
                f'height="{abs(end - top):.1f}" fill="{color}" class="bar"><title>{period}: {escape(name)} '
                f"{fmt(value)}</title></rect>"
            )
            up, down = (up + value, down) if value >= 0 else (up, down + value)
        if i % max(1, len(periods) // 8) == 0:
            body.append(_text(left + slot * 0.35, HEIGHT - BOTTOM + 16, period))
    body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" class="axis"/>')
    return _svg(body + _legend([s[0] for s in stacks], [s[2] for s in stacks]), label)


def heatmap(rows: Sequence[str], columns: Sequence[str], cells: dict[tuple[str, str], float], label: str) -> str:
    """A grid of rates (0..1): darker is higher; absent cells stay blank."""
    cell_w = min(56.0, (WIDTH - 110) / max(len(columns), 1))
    cell_h = 22
    height = TOP + 20 + cell_h * len(rows) + 8
    body = [_text(110 + cell_w * j + cell_w / 2, TOP + 10, c) for j, c in enumerate(columns)]
    for i, name in enumerate(rows):
        top = TOP + 20 + i * cell_h
        body.append(_text(104, top + 15, name, "end", "label"))
        for j, column in enumerate(columns):
            rate = cells.get((name, column))
            if rate is None:
                continue
            shade = 0.12 + 0.88 * max(0.0, min(rate, 1.0))
            ink = "#fff" if shade > 0.55 else "#0f172a"
            left = 110 + j * cell_w
            body.append(
                f'<rect x="{left:.1f}" y="{top}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" '
                f'fill="rgba(37,99,235,{shade:.2f})" class="cell"><title>{escape(name)} +{column}: '
                f"{percent(rate)}</title></rect>"
            )
            body.append(
                f'<text x="{left + cell_w / 2 - 1:.1f}" y="{top + 15}" text-anchor="middle" class="cell-text" '
                f'fill="{ink}">{percent(rate)}</text>'
            )
    return _svg(body, label, height)


def waterfall(start: tuple[str, float], steps: Sequence[tuple[str, float]], label: str, fmt: Formatter = number) -> str:
    """From a starting total through signed steps to the resulting total."""
    totals = [start[1]]
    for _, delta in steps:
        totals.append(totals[-1] + delta)
    hi = max([*totals, start[1]]) or 1.0
    lo = min(0.0, *totals)
    body, y = _y_axis(lo, hi, fmt)
    bars = [(start[0], 0.0, start[1], "#64748b")]
    for (name, delta), before in zip(steps, totals, strict=False):
        bars.append((name, before, before + delta, PALETTE[1] if delta >= 0 else PALETTE[4]))
    bars.append(("end", 0.0, totals[-1], "#64748b"))
    slot = (WIDTH - LEFT - RIGHT) / len(bars)
    for i, (name, a, b, color) in enumerate(bars):
        left = LEFT + i * slot + slot * 0.15
        body.append(
            f'<rect x="{left:.1f}" y="{min(y(a), y(b)):.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(abs(y(a) - y(b)), 1):.1f}" fill="{color}" class="bar"><title>{escape(name)}: '
            f"{fmt(b - a)}</title></rect>"
        )
        body.append(_text(left + slot * 0.35, HEIGHT - BOTTOM + 16, name))
        body.append(_text(left + slot * 0.35, min(y(a), y(b)) - 4, fmt(b - a), cls="value"))
    return _svg(body, label)
