import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from cases.models import Event
from cases.partial_dates import DatePrecision, chronological, date_span, format_partial_date, truncate_to_precision
from tests.cases.factories import public_case

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


# ---- a timeline in the order its dates allow ----


def step(pk, date, precision, position=0):
    return SimpleNamespace(pk=pk, date=date, date_precision=precision, position=position)


@pytest.mark.parametrize(
    ("precision", "span"),
    [
        ("year", (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))),
        ("month", (datetime.date(2017, 2, 1), datetime.date(2017, 2, 28))),
        ("day", (datetime.date(2017, 2, 14), datetime.date(2017, 2, 14))),
    ],
)
def test_a_partial_date_spans_what_it_allows(precision, span):
    assert date_span(truncate_to_precision(datetime.date(2017, 2, 14), precision), precision) == span


@pytest.mark.parametrize(
    ("events", "order", "uncertain"),
    [
        # "2017 · Last contact" is stored as 1 January, but it spans the year.
        ([step(1, datetime.date(2017, 1, 1), "year"), step(2, datetime.date(2017, 4, 1), "month")], [2, 1], [1, 2]),
        # Apart: no doubt.
        ([step(1, datetime.date(2018, 1, 1), "year"), step(2, datetime.date(2017, 4, 1), "month")], [2, 1], []),
        # Two days are never in doubt, even the same day.
        ([step(1, datetime.date(2017, 4, 3), "day"), step(2, datetime.date(2017, 4, 2), "day")], [2, 1], []),
        # A day inside a month.
        ([step(1, datetime.date(2017, 4, 1), "month"), step(2, datetime.date(2017, 4, 2), "day")], [2, 1], [1, 2]),
        # A day in December is after a year's middle.
        ([step(1, datetime.date(2017, 12, 20), "day"), step(2, datetime.date(2017, 1, 1), "year")], [2, 1], [1, 2]),
        # Undated steps keep their place after the dated ones of their position; positions first.
        (
            [
                step(1, None, "day"),
                step(2, datetime.date(2019, 1, 1), "year"),
                step(3, datetime.date(2010, 5, 1), "day", 1),
            ],
            [2, 1, 3],
            [],
        ),
    ],
)
def test_a_timeline_follows_what_its_dates_allow(events, order, uncertain):
    steps = chronological(events)
    assert [s.event.pk for s in steps] == order
    assert sorted(s.event.pk for s in steps if s.order_uncertain) == uncertain


@pytest.mark.django_db
def test_the_case_page_puts_april_before_a_year_and_says_the_order_is_uncertain(client):
    case = public_case()
    Event.objects.create(case=case, kind=Event.Kind.LAST_CONTACT, date=datetime.date(2017, 1, 1), date_precision="year")
    Event.objects.create(case=case, kind=Event.Kind.DETAINED, date=datetime.date(2017, 4, 1), date_precision="month")
    page = client.get(case.get_absolute_url()).content.decode()
    assert page.index("April 2017</time></strong> · Detained") < page.index("2017</time></strong> · Last contact")
    assert "Known only as 2017, so whether this came before or after the step next to it is not known." in page
