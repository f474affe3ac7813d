"""Small, dependency-free SVG charts: data in, an escaped ``<svg>`` string out.

Every chart has a title, axes with round-number ticks, and a legend; each point, bar and
cell carries a ``<title>`` so a browser shows its value on hover. All text is escaped,
so names taken from crawled pages are safe to pass in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

__all__ = [
    "PALETTE",
    "STATUS_COLOURS",
    "GridCell",
    "Series",
    "bar_chart",
    "grid_left",
    "line_chart",
    "status_grid",
]

# Tableau 10: distinct, colour-blind tolerant, readable on white.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
STATUS_COLOURS = {"ok": "#59a14f", "some": "#f1a340", "failed": "#d7301f", "none": "#eeeeee"}
STATUS_LABELS = {"ok": "all runs succeeded", "some": "some runs failed", "failed": "all failed"}

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
_AXIS = "#555555"
_GRID = "#e4e4e4"
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _AXIS_SPACE = 56, 20, 8, 30
_LEGEND_ROW = 20
_CHAR_WIDTH = 6.6  # average width of a 12px sans-serif character
_MIN_LABEL_GAP = 78


@dataclass(frozen=True, slots=True)
class Series:
    """One named line or bar stack; ``values`` align with the chart's x labels.
    ``colour`` overrides the palette colour of its position."""

    name: str
    values: tuple[float, ...]
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of a status grid: ``level`` is a key of STATUS_COLOURS."""

    level: str
    text: str
    tooltip: str


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    chart_id: str = "",
    width: int = 1100,
    height: int = 240,
) -> str:
    """Lines over the x ``labels`` (one per series), dots with hover values when few."""
    frame = _Frame.build(labels, series, width, height, top=_top([s.name for s in series], width))
    if frame is None:
        return _empty(title, chart_id, width)
    parts = [frame.axes(y_label)]
    dots = len(labels) <= 80
    for index, one in enumerate(series):
        colour = _colour(series, index)
        points = [(frame.x(i), frame.y(v)) for i, v in enumerate(one.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-linejoin="round" points="{path}"/>'
        )
        if dots:
            parts.extend(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(one.name)}, {escape(labels[i])}: {_number(one.values[i])}"
                "</title></circle>"
                for i, (x, y) in enumerate(points)
            )
    parts.append(_legend([(s.name, _colour(series, i)) for i, s in enumerate(series)], width))
    return _svg(title, chart_id, width, frame.height, parts)


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    chart_id: str = "",
    width: int = 1100,
    height: int = 240,
    left: int = _MARGIN_LEFT,
) -> str:
    """Stacked bars, one per x label, one colour per series. ``left`` is the plot's
    left edge (give a status grid's ``grid_left`` to line the two up)."""
    totals = [sum(values) for values in zip(*(s.values for s in series), strict=True)]
    frame = _Frame.build(
        labels,
        [Series("total", tuple(totals))],
        width,
        height,
        top=_top([s.name for s in series], width),
        left=left,
    )
    if frame is None:
        return _empty(title, chart_id, width)
    parts = [frame.axes(y_label)]
    bar = max(1.0, min(frame.step * 0.7, 44.0))
    for i, label in enumerate(labels):
        base = 0.0
        for index, one in enumerate(series):
            value = one.values[i]
            if value <= 0:
                continue
            top, bottom = frame.y(base + value), frame.y(base)
            parts.append(
                f'<rect class="bar" x="{frame.x(i) - bar / 2:.1f}" y="{top:.1f}" '
                f'width="{bar:.1f}" height="{bottom - top:.1f}" '
                f'fill="{_colour(series, index)}"><title>{escape(one.name)}, '
                f"{escape(label)}: {_number(value)}</title></rect>"
            )
            base += value
    parts.append(_legend([(s.name, _colour(series, i)) for i, s in enumerate(series)], width))
    return _svg(title, chart_id, width, frame.height, parts)


def status_grid(
    rows: Sequence[str],
    labels: Sequence[str],
    cells: Mapping[tuple[str, str], GridCell],
    *,
    title: str,
    chart_id: str = "",
    width: int = 1100,
) -> str:
    """A row per name and a column per x label; each cell coloured by its ``level``."""
    if not rows or not labels:
        return _empty(title, chart_id, width)
    left = grid_left(rows)
    cell_w = (width - left - _MARGIN_RIGHT) / len(labels)
    cell_h, top = 24, _MARGIN_TOP + 4
    parts = []
    for r, row in enumerate(rows):
        y = top + r * cell_h
        parts.append(
            f'<text x="{left - 8}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12">{escape(_clip(row, left - 16))}<title>{escape(row)}</title></text>'
        )
        for c, label in enumerate(labels):
            parts.append(_cell(left + c * cell_w, y, cell_w, cell_h, cells.get((row, label))))
    axis_y = top + len(rows) * cell_h
    parts.append(_x_labels(labels, lambda i: left + (i + 0.5) * cell_w, axis_y, cell_w))
    legend = [(STATUS_LABELS[k], STATUS_COLOURS[k]) for k in ("ok", "some", "failed")]
    parts.append(_legend([*legend, ("no run", STATUS_COLOURS["none"])], width, y=axis_y + 38))
    return _svg(title, chart_id, width, axis_y + 38 + _LEGEND_ROW, parts)


def grid_left(rows: Sequence[str]) -> int:
    """Where a status grid of ``rows`` starts its cells (room for the row names)."""
    longest = max((len(r) for r in rows), default=0)
    return min(260, max(_MARGIN_LEFT, int(longest * _CHAR_WIDTH) + 28))


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plot area of a chart with a numeric y axis and categorical x labels."""

    labels: tuple[str, ...]
    left: float
    top: float
    right: float
    bottom: float
    y_max: float
    ticks: tuple[float, ...]

    @classmethod
    def build(
        cls,
        labels: Sequence[str],
        series: Sequence[Series],
        width: int,
        height: int,
        top: int,
        left: int = _MARGIN_LEFT,
    ) -> _Frame | None:
        values = [v for s in series for v in s.values]
        if not labels or not values:
            return None
        ticks = _ticks(max(values))
        return cls(
            labels=tuple(labels),
            left=left,
            top=top,
            right=width - _MARGIN_RIGHT,
            bottom=top + height,
            y_max=ticks[-1],
            ticks=tuple(ticks),
        )

    @property
    def step(self) -> float:
        return (self.right - self.left) / len(self.labels)

    @property
    def height(self) -> float:
        return self.bottom + _AXIS_SPACE

    def x(self, index: int) -> float:
        return self.left + (index + 0.5) * self.step

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.y_max

    def axes(self, y_label: str) -> str:
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{self.left}" x2="{self.right}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{_GRID if tick else _AXIS}"/>'
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                f'font-size="11" fill="{_AXIS}">{_number(tick)}</text>'
            )
        parts.append(
            f'<line x1="{self.left}" x2="{self.left}" y1="{self.top}" y2="{self.bottom}" '
            f'stroke="{_AXIS}"/>'
        )
        if y_label:
            middle = (self.top + self.bottom) / 2
            parts.append(
                f'<text x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" '
                f'text-anchor="middle" font-size="11" fill="{_AXIS}">{escape(y_label)}</text>'
            )
        parts.append(_x_labels(self.labels, self.x, self.bottom, self.step))
        return "".join(parts)


def _x_labels(
    labels: Sequence[str], x_of: Callable[[int], float], axis_y: float, step: float
) -> str:
    every = max(1, math.ceil(_MIN_LABEL_GAP / step)) if step > 0 else 1
    parts = []
    for i in range(0, len(labels), every):
        x = x_of(i)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axis_y}" y2="{axis_y + 4}" stroke="{_AXIS}"/>'
            f'<text x="{x:.1f}" y="{axis_y + 17}" text-anchor="middle" font-size="11" '
            f'fill="{_AXIS}">{escape(labels[i])}</text>'
        )
    return "".join(parts)


def _cell(x: float, y: float, w: float, h: float, cell: GridCell | None) -> str:
    level = cell.level if cell else "none"
    fill = STATUS_COLOURS.get(level, STATUS_COLOURS["none"])
    rect = (
        f'<rect class="cell" x="{x + 1:.1f}" y="{y + 1:.1f}" width="{max(w - 2, 1):.1f}" '
        f'height="{h - 2}" rx="3" fill="{fill}">'
    )
    if cell is None:
        return rect + "</rect>"
    text = ""
    if cell.text and w >= 8 + len(cell.text) * _CHAR_WIDTH:
        ink = "#222222" if level in ("none", "some") else "#ffffff"
        text = (
            f'<text x="{x + w / 2:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="middle" '
            f'font-size="11" fill="{ink}" pointer-events="none">{escape(cell.text)}</text>'
        )
    return f"{rect}<title>{escape(cell.tooltip)}</title></rect>{text}"


def _legend(items: Sequence[tuple[str, str]], width: int, y: float = 18) -> str:
    """Swatches and names, wrapping onto more rows when they do not fit."""
    parts, x = [], float(_MARGIN_LEFT)
    for name, colour in items:
        shown = _clip(name, 200)
        item_w = 18 + len(shown) * _CHAR_WIDTH + 18
        if x + item_w > width - _MARGIN_RIGHT and x > _MARGIN_LEFT:
            x, y = float(_MARGIN_LEFT), y + _LEGEND_ROW
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" rx="2" fill="{colour}"/>'
            f'<text x="{x + 17:.1f}" y="{y:.1f}" font-size="12">{escape(shown)}'
            f"<title>{escape(name)}</title></text>"
        )
        x += item_w
    return f'<g class="legend">{"".join(parts)}</g>'


def _top(names: Sequence[str], width: int) -> int:
    """Room above the plot for the title and a legend of ``names``."""
    rows, x = 1, float(_MARGIN_LEFT)
    for name in names:
        item_w = 18 + len(_clip(name, 200)) * _CHAR_WIDTH + 18
        if x + item_w > width - _MARGIN_RIGHT and x > _MARGIN_LEFT:
            rows, x = rows + 1, float(_MARGIN_LEFT)
        x += item_w
    return 14 + rows * _LEGEND_ROW


def _svg(title: str, chart_id: str, width: int, height: float, parts: Sequence[str]) -> str:
    ident = f' data-chart="{escape(chart_id)}"' if chart_id else ""
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg"{ident} role="img" '
        f'width="{width}" height="{math.ceil(height)}" viewBox="0 0 {width} {math.ceil(height)}" '
        f'font-family="{_FONT}" fill="#222222"><title>{escape(title)}</title>'
        f"{''.join(parts)}</svg>"
    )


def _empty(title: str, chart_id: str, width: int) -> str:
    message = (
        f'<text x="{width / 2:.0f}" y="40" text-anchor="middle" font-size="13" '
        f'fill="{_AXIS}">No data yet</text>'
    )
    return _svg(title, chart_id, width, 64, [message])


def _ticks(maximum: float) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least ``maximum``."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)  # counts: no fractional ticks
    count = math.ceil(maximum / step - 1e-9)
    return [i * step for i in range(count + 1)]


def _colour(series: Sequence[Series], index: int) -> str:
    return series[index].colour or PALETTE[index % len(PALETTE)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _clip(text: str, pixels: float) -> str:
    most = max(4, int(pixels / _CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1] + "…"
