"""Dates known to a year, a month or a day, as human-rights documentation records
them: "in 2017", "August 2018", "22 January 2018"."""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
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
