"""A small bar chart drawn as inline SVG on the server: no JavaScript, no library, and
nothing a strict Content-Security-Policy would block (colours come from classes in
portal.css, never from style attributes). Every text is escaped here."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (a short month name)
    value: float | None  # None draws no bar (no data that month)
    shown: str  # the value as printed above the bar, formatted for the language


def _nice_max(value: float) -> float:
    """A round top for the axis: 1, 2, 5 × 10^n at or above the largest value."""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for mult in (1, 2, 5, 10):
        if value <= mult * step:
            return mult * step
    return 10 * step  # pragma: no cover


def bar_chart(chart_id: str, title: str, desc: str, bars: list[Bar],
              width: int = 480, height: int = 220) -> Markup:
    """An accessible SVG bar chart (role=img, labelled by its title and description)."""
    left, right, top, bottom = 30, 4, 20, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((b.value or 0) for b in bars) if bars else 0)
    slot = plot_w / max(1, len(bars))
    bar_w = slot * 0.62
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        tick = top_value * frac
        tick_text = f"{tick:g}"
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{escape(tick_text)}</text>')
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        cx = x + bar_w / 2
        if bar.value is not None:
            h = plot_h * (bar.value / top_value)
            y = top + plot_h - h
            parts.append(f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{max(h, 0):.1f}" rx="2"/>')
            parts.append(f'<text class="chart-value" x="{cx:.1f}" y="{y - 5:.1f}" '
                         f'text-anchor="middle">{escape(bar.shown)}</text>')
        parts.append(f'<text class="chart-label" x="{cx:.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="middle">{escape(bar.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
