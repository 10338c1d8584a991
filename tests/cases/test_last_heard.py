""" "Last heard from N days ago", from the latest dated last contact, as exact
as the date is known."""

import datetime

import pytest
from django.utils import timezone, translation

from cases.models import Event
from cases.partial_dates import last_heard_phrase
from tests.cases.factories import public_case
from tests.conftest import page_text

TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("value", "precision", "phrase"),
    [
        (datetime.date(2026, 11, 24), "day", "Last heard from today"),
        (datetime.date(2026, 11, 23), "day", "Last heard from 1 day ago"),
        (datetime.date(2026, 11, 22), "day", "Last heard from 2 days ago"),
        (datetime.date(2026, 9, 26), "day", "Last heard from 59 days ago"),
        (datetime.date(2026, 9, 25), "day", "Last heard from 60 days ago (about 1 month)"),
        (datetime.date(2026, 9, 24), "day", "Last heard from 61 days ago (about 2 months)"),
        (datetime.date(2024, 11, 25), "day", "Last heard from 729 days ago (about 23 months)"),
        (datetime.date(2024, 11, 24), "day", "Last heard from 730 days ago (about 2 years)"),
        (datetime.date(2023, 8, 13), "day", "Last heard from 1,199 days ago (about 3 years)"),
        (datetime.date(2017, 12, 1), "day", "Last heard from 3,280 days ago (about 8 years)"),
        (datetime.date(2026, 11, 1), "month", "Last heard from earlier this month"),
        (datetime.date(2026, 10, 1), "month", "Last heard from about 1 month ago"),
        (datetime.date(2025, 12, 1), "month", "Last heard from about 11 months ago"),
        (datetime.date(2024, 12, 1), "month", "Last heard from about 23 months ago"),
        (datetime.date(2024, 11, 1), "month", "Last heard from about 2 years ago"),
        (datetime.date(2018, 8, 1), "month", "Last heard from about 8 years ago"),
        (datetime.date(2026, 1, 1), "year", "Last heard from earlier this year"),
        (datetime.date(2025, 1, 1), "year", "Last heard from about 1 year ago"),
        (datetime.date(2017, 1, 1), "year", "Last heard from about 9 years ago"),
        (datetime.date(2026, 11, 25), "day", ""),
    ],
)
def test_the_phrase_is_as_exact_as_the_date(value, precision, phrase):
    with translation.override("en"):
        assert last_heard_phrase(value, precision, today=TODAY) == phrase


def contact(case, *, on: datetime.date, precision: str = "day", kind: str = Event.Kind.LAST_CONTACT) -> Event:
    return Event.objects.create(case=case, kind=kind, date=on, date_precision=precision)


@pytest.mark.django_db
def test_the_page_and_card_use_the_latest_dated_last_contact(client, petition):
    today = timezone.localdate()
    person = public_case(reference="kali-maolai")
    contact(person, on=today - datetime.timedelta(days=900))
    contact(person, on=today - datetime.timedelta(days=30))
    Event.objects.create(case=person, kind=Event.Kind.LAST_CONTACT, date=None)  # undated: no count from it
    contact(person, on=today - datetime.timedelta(days=2), kind=Event.Kind.DETAINED)  # not a contact
    petition.cases.add(person)

    assert "Last heard from 30 days ago" in page_text(client.get(person.get_absolute_url()))
    assert "Last heard from 30 days ago" in page_text(client.get("/en/cases/"))
    assert "Last heard from 30 days ago" in page_text(client.get(petition.get_absolute_url()))


@pytest.mark.django_db
def test_a_month_known_date_says_about(client):
    person = public_case()
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - 13, 12)
    contact(person, on=datetime.date(year, month + 1, 1), precision="month")
    text = page_text(client.get(person.get_absolute_url()))
    assert "Last heard from about 13 months ago" in text


@pytest.mark.django_db
def test_nothing_is_said_without_a_dated_last_contact(client):
    person = public_case()
    Event.objects.create(case=person, kind=Event.Kind.LAST_CONTACT, date=None)
    assert "Last heard" not in page_text(client.get(person.get_absolute_url()))
    assert "Last heard" not in page_text(client.get("/en/cases/"))


@pytest.mark.django_db
def test_cards_cost_no_query_each(client, django_assert_max_num_queries):
    for number in range(10):
        contact(public_case(), on=timezone.localdate() - datetime.timedelta(days=number))
    with django_assert_max_num_queries(6):
        assert client.get("/en/cases/").status_code == 200


def test_the_gloss_is_translated_with_its_plural():
    with translation.override("ru"):
        phrase = last_heard_phrase(datetime.date(2023, 8, 13), "day", today=TODAY)
    assert phrase.endswith("(около 3 лет)")
    assert "1\xa0199" in phrase or "1 199" in phrase or "1199" in phrase
