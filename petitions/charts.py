"""A petition's signatures over time and by country, drawn as SVG on the
server like the statistics page (core/svg_charts.py): no JavaScript, nothing
loaded from elsewhere, a data table beside each chart."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext
from django_countries import countries

from core.svg_charts import BarChart, bar_chart
from petitions.tallies import DayTally, Tally

WIDTH = 640
HEIGHT = 220
TOP = 24  # room for the highest total's label
BOTTOM = 190  # the baseline; the dates go below it


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    days: tuple[DayTally, ...]
    points: str  # the SVG polyline, from the baseline up to the last total
    area: str  # the same, closed along the baseline
    first_label: str
    last_label: str
    highest: int

    width = WIDTH
    height = HEIGHT
    top = TOP
    bottom = BOTTOM


def _point(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}"


def signatures_over_time(tally: Tally) -> LineChart | None:
    if not tally.days:
        return None
    first, last = tally.days[0].day, tally.days[-1].day
    span = max((last - first).days, 1)
    highest = tally.days[-1].total or 1
    points = [_point(0, BOTTOM)]
    for day in tally.days:
        x = WIDTH * (day.day - first).days / span
        points.append(_point(x, BOTTOM - (BOTTOM - TOP) * day.total / highest))
    if len(tally.days) == 1:  # one day: a level line across, not a dot
        points.append(_point(WIDTH, TOP))
    return LineChart(
        title=gettext("Signatures over time"),
        description=gettext("The total number of signatures at the end of each day."),
        days=tally.days,
        points=" ".join(points),
        area=" ".join([*points, _point(float(points[-1].split(",")[0]), BOTTOM)]),
        first_label=date_format(first, "SHORT_DATE_FORMAT"),
        last_label=date_format(last, "SHORT_DATE_FORMAT"),
        highest=tally.days[-1].total,
    )


def signatures_by_country(tally: Tally) -> BarChart:
    rows = [(str(countries.name(code)), n) for code, n in tally.countries]
    if tally.other_countries:
        rows.append((gettext("Other countries"), tally.other_countries))
    return bar_chart(
        slug="countries",
        title=gettext("Signatures by country"),
        description=gettext(
            "Signatures by the country the signer gave. Countries with fewer than 5 signatures are counted together."
        ),
        rows=rows,
    )
