"""The geometry of horizontal bar charts drawn as SVG on the server
(templates/includes/bar_chart.html): no JavaScript, nothing loaded from
elsewhere. What the bars count is each app's own."""

from __future__ import annotations

from dataclasses import dataclass

CHART_WIDTH = 640
BAR_AREA = 540  # leaves room for the number after the longest bar
ROW_HEIGHT = 44
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int

    @property
    def label_y(self) -> int:
        return self.y - 6

    @property
    def bar_middle(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 4

    @property
    def value_x(self) -> float:
        return self.width + 6


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT

    width = CHART_WIDTH
    bar_height = BAR_HEIGHT


def bar_chart(*, slug: str, title: str, description: str, rows: list[tuple[str, int]]) -> BarChart:
    largest = max((value for _, value in rows), default=0) or 1
    bars = [
        Bar(label=str(label), value=value, width=round(BAR_AREA * value / largest, 1), y=index * ROW_HEIGHT + 20)
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(slug=slug, title=title, description=description, bars=bars)
