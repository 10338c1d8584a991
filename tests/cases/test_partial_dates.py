import datetime

import pytest
from django.utils import translation

from cases.partial_dates import DatePrecision, format_partial_date, truncate_to_precision

DAY = datetime.date(2018, 1, 22)


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (DatePrecision.YEAR, "2018"),
        (DatePrecision.MONTH, "January 2018"),
        (DatePrecision.DAY, "Jan. 22, 2018"),
    ],
)
def test_format_partial_date_in_english(precision, expected):
    with translation.override("en"):
        assert format_partial_date(DAY, precision) == expected


def test_format_partial_date_follows_the_active_language():
    with translation.override("ru"):
        assert format_partial_date(DAY, DatePrecision.DAY) == "22 января 2018 г."


def test_missing_date_says_so():
    with translation.override("en"):
        assert format_partial_date(None, DatePrecision.DAY) == "date not reported"


@pytest.mark.parametrize(
    ("precision", "stored"),
    [
        (DatePrecision.YEAR, datetime.date(2018, 1, 1)),
        (DatePrecision.MONTH, datetime.date(2018, 1, 1)),
        (DatePrecision.DAY, DAY),
    ],
)
def test_partial_dates_never_keep_a_day_nobody_reported(precision, stored):
    assert truncate_to_precision(datetime.date(2018, 1, 22), precision).year == 2018
    assert truncate_to_precision(DAY, precision) == stored
