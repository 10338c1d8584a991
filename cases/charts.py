"""Figures about public cases, drawn as horizontal bar charts
(core/svg_charts.py)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Min, Q
from django.utils.translation import gettext

from cases.models import Case, CaseQuerySet, Event
from core.svg_charts import BarChart, bar_chart


def _by_choice(cases: CaseQuerySet, field: str, choices: type) -> list[tuple[str, int]]:
    counts = dict(cases.order_by().values_list(field).annotate(n=Count("pk")))
    return [(label, counts[value]) for value, label in choices.choices if counts.get(value)]


def by_status(cases: CaseQuerySet) -> list[tuple[str, int]]:
    return _by_choice(cases, "status", Case.Status)


def by_ethnicity(cases: CaseQuerySet) -> list[tuple[str, int]]:
    return _by_choice(cases, "ethnicity", Case.Ethnicity)


def by_prefecture(cases: CaseQuerySet) -> list[tuple[str, int]]:
    counts = cases.order_by().values_list("hometown_prefecture").annotate(n=Count("pk"))
    named = sorted(((prefecture, n) for prefecture, n in counts if prefecture), key=lambda row: (-row[1], row[0]))
    unreported = sum(n for prefecture, n in counts if not prefecture)
    return named + ([(gettext("Not reported"), unreported)] if unreported else [])


def by_detention_year(cases: CaseQuerySet) -> list[tuple[str, int]]:
    """The year of each person's first detention or transfer to a camp."""
    first = cases.order_by().annotate(
        first_detained=Min("events__date", filter=Q(events__kind__in=Event.DETENTION_KINDS))
    )
    years = Counter(date.year if date else None for date in first.values_list("first_detained", flat=True))
    rows = [(str(year), n) for year, n in sorted((y, n) for y, n in years.items() if y is not None)]
    if years.get(None):
        rows.append((gettext("No detention date reported"), years[None]))
    return rows


def case_charts(cases: CaseQuerySet) -> list[BarChart]:
    """Every chart on the statistics page; pass public cases only."""
    return [
        bar_chart(
            slug="status",
            title=gettext("People by current status"),
            description=gettext("Number of people documented here, by their latest known status."),
            rows=by_status(cases),
        ),
        bar_chart(
            slug="ethnicity",
            title=gettext("People by ethnicity"),
            description=gettext("Number of people by ethnicity, as the sources report it."),
            rows=by_ethnicity(cases),
        ),
        bar_chart(
            slug="region",
            title=gettext("People by home prefecture"),
            description=gettext("Number of people by the prefecture of their hometown in Xinjiang."),
            rows=by_prefecture(cases),
        ),
        bar_chart(
            slug="year",
            title=gettext("People by year of detention"),
            description=gettext("Number of people by the year they were first detained or sent to a camp."),
            rows=by_detention_year(cases),
        ),
    ]
