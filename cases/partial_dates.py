"""Dates known to a year, a month or a day, as human-rights documentation records
them: "in 2017", "August 2018", "22 January 2018"."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


def truncate_to_precision(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store a partial date as the first day of its year or month, so that sorting
    and comparisons never imply a day nobody reported."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """The date as the active language writes it, to the precision it is known."""
    if value is None:
        return gettext("date not reported")
    if precision == DatePrecision.YEAR:
        return date_format(value, "Y")
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


# "1,199 days" is exact but hard to picture: from two months on, the count of
# days is followed by the whole months or years it makes.
GLOSS_AFTER_DAYS = 60


def _with_gloss(phrase: str, value: datetime.date, *, today: datetime.date) -> str:
    """ "Last heard from 1,199 days ago (about 3 years)": whole months elapsed,
    as years from two years on."""
    months = (today.year - value.year) * 12 + today.month - value.month - (today.day < value.day)
    if months < 24:
        return ngettext("%(phrase)s (about %(count)s month)", "%(phrase)s (about %(count)s months)", months) % {
            "phrase": phrase,
            "count": months,
        }
    years = months // 12
    return ngettext("%(phrase)s (about %(count)s year)", "%(phrase)s (about %(count)s years)", years) % {
        "phrase": phrase,
        "count": years,
    }


def last_heard_phrase(value: datetime.date, precision: str, *, today: datetime.date) -> str:
    """ "Last heard from 1,204 days ago", as exact as the date is known: a
    date known to the month or the year gives "about N months/years ago"
    rather than a count of days nobody reported. Empty for a future date."""
    if value > today:
        return ""
    if precision == DatePrecision.DAY:
        days = (today - value).days
        if days == 0:
            return gettext("Last heard from today")
        phrase = ngettext("Last heard from %(count)s day ago", "Last heard from %(count)s days ago", days) % {
            "count": number_format(days, force_grouping=True)
        }
        return _with_gloss(phrase, value, today=today) if days >= GLOSS_AFTER_DAYS else phrase
    months = (today.year - value.year) * 12 + today.month - value.month
    if precision == DatePrecision.MONTH and months == 0:
        return gettext("Last heard from earlier this month")
    if precision == DatePrecision.MONTH and months < 24:
        return ngettext(
            "Last heard from about %(count)s month ago", "Last heard from about %(count)s months ago", months
        ) % {"count": months}
    years = today.year - value.year if precision == DatePrecision.YEAR else months // 12
    if years == 0:
        return gettext("Last heard from earlier this year")
    return ngettext("Last heard from about %(count)s year ago", "Last heard from about %(count)s years ago", years) % {
        "count": years
    }


def date_span(value: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day a partial date allows: all of 2017 for "2017"."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1), value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        start = value.replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return start, following - datetime.timedelta(days=1)
    return value, value


class Dated(Protocol):
    pk: Any
    date: datetime.date | None
    date_precision: str
    position: int


@dataclass(frozen=True)
class TimelineStep:
    event: Any
    # Its date allows it to fall before or after a neighbour's.
    order_uncertain: bool


def chronological(events: Iterable[Dated]) -> list[TimelineStep]:
    """A timeline in the order its dates allow. A date known only to the year
    spans the year, so "2017" is placed by the middle of 2017, after
    "April 2017", not on 1 January as it is stored. Where two neighbours'
    spans overlap and one of them is not known to the day, the order between
    them is uncertain, and each is marked so. Undated steps keep the place
    their position gives them (positions come first, as the editors set them)."""

    def key(event: Dated) -> tuple:
        if event.date is None:
            return (event.position, 1, datetime.date.max, event.pk)
        start, end = date_span(event.date, event.date_precision)
        middle = start + (end - start) / 2
        return (event.position, 0, middle, start, event.pk)

    ordered = sorted(events, key=key)
    uncertain = [False] * len(ordered)
    for index in range(len(ordered) - 1):
        first, second = ordered[index], ordered[index + 1]
        if first.date is None or second.date is None:
            continue
        if first.date_precision == DatePrecision.DAY and second.date_precision == DatePrecision.DAY:
            continue
        first_start, first_end = date_span(first.date, first.date_precision)
        second_start, second_end = date_span(second.date, second.date_precision)
        if first_start <= second_end and second_start <= first_end:
            uncertain[index] = uncertain[index + 1] = True
    return [TimelineStep(event=event, order_uncertain=flag) for event, flag in zip(ordered, uncertain, strict=True)]
