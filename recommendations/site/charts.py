"""Geometry for the small server-rendered SVG charts of the public site.

No chart library and no JavaScript: a view builds a chart from counts, the
template `includes/bar_chart.html` draws it as inline SVG with a title, a
description and a data table beside it for screen readers and print.
"""

from dataclasses import dataclass, field

from django.utils.translation import pgettext

from recommendations.models import RESPONSE_LABELS, STATUS_LABELS

WIDTH = 400  # viewBox units; the CSS scales the SVG to its column
LABEL_HEIGHT = 20
BAR_HEIGHT = 14
ROW_HEIGHT = 46
VALUE_SPACE = 64  # room right of the longest bar for its number


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""
    label_y: int = 0
    bar_y: int = 0
    bar_width: float = 0.0
    value_x: float = 0.0

    @property
    def short_label(self) -> str:
        return shorten(self.label)


def shorten(label: str, limit: int = 52) -> str:
    """SVG text does not wrap: long labels are cut here and shown in full in the data table."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(ROW_HEIGHT * len(self.bars), ROW_HEIGHT)

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def description(self) -> str:
        return "; ".join(
            pgettext("chart: a bar and its value", "%(label)s: %(value)s") % {"label": bar.label, "value": bar.value}
            for bar in self.bars
        )


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int, str]]) -> BarChart:
    """A horizontal bar chart from (label, value, link) rows, bars scaled to the largest value."""
    largest = max((value for _, value, _ in rows), default=0) or 1
    bars = []
    for index, (label, value, href) in enumerate(rows):
        top = index * ROW_HEIGHT
        width = round((WIDTH - VALUE_SPACE) * value / largest, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                href=href,
                label_y=top + LABEL_HEIGHT - 4,
                bar_y=top + LABEL_HEIGHT,
                bar_width=max(width, 1.0) if value else 0.0,
                value_x=width + 6,  # the number sits just right of its bar
            )
        )
    return BarChart(id=chart_id, title=title, bars=bars)


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int
    x: float
    width: float


@dataclass(frozen=True)
class StackedRow:
    label: str
    total: int
    segments: list[Segment]
    label_y: int
    bar_y: int

    @property
    def short_label(self) -> str:
        return shorten(self.label)


@dataclass(frozen=True)
class StackedChart:
    """One 100 % bar per row (a State), split into shares (responses)."""

    id: str
    title: str
    keys: list[tuple[str, str]]  # (key, label) in drawing order, for the legend
    rows: list[StackedRow]
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(ROW_HEIGHT * len(self.rows), ROW_HEIGHT)

    @property
    def description(self) -> str:
        parts = []
        for row in self.rows:
            shares = ", ".join(
                pgettext("chart: a share of a bar", "%(label)s %(value)s") % {"label": s.label, "value": s.value}
                for s in row.segments
                if s.value
            )
            parts.append(
                pgettext("chart: a bar, its total and its shares", "%(label)s (%(total)s): %(shares)s")
                % {"label": row.label, "total": row.total, "shares": shares or "0"}
            )
        return "; ".join(parts)


def stacked_chart(
    chart_id: str, title: str, keys: list[tuple[str, str]], rows: list[tuple[str, dict[str, int]]]
) -> StackedChart:
    """Rows of (label, {key: count}) drawn as full-width bars split by key."""
    drawn = []
    for index, (label, counts) in enumerate(rows):
        total = sum(counts.get(key, 0) for key, _ in keys)
        x = 0.0
        segments = []
        for key, key_label in keys:
            value = counts.get(key, 0)
            width = round(WIDTH * value / total, 2) if total else 0.0
            segments.append(Segment(key=key, label=str(key_label), value=value, x=round(x, 2), width=width))
            x += width
        top = index * ROW_HEIGHT
        drawn.append(
            StackedRow(
                label=label, total=total, segments=segments, label_y=top + LABEL_HEIGHT - 4, bar_y=top + LABEL_HEIGHT
            )
        )
    return StackedChart(id=chart_id, title=title, keys=keys, rows=drawn)


def response_chart(chart_id: str, title: str, responses: dict[str, int], search_url: str) -> BarChart:
    """Responses as bars linking to the search page narrowed to each response.

    `search_url` is the search page URL with the page's own filters (it already contains "?").
    """
    rows = [
        (str(RESPONSE_LABELS[key]), count, f"{search_url}&response={key}" if key else "")
        for key, count in responses.items()
        if count or key in ("supported", "noted")  # the two answers every review has; others only when used
    ]
    return bar_chart(chart_id, title, rows)


def status_chart(chart_id: str, title: str, statuses: dict[str, int], search_url: str) -> BarChart:
    rows = [(str(STATUS_LABELS[key]), count, f"{search_url}&status={key or 'none'}") for key, count in statuses.items()]
    return bar_chart(chart_id, title, rows)
