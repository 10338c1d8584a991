"""Signatures over time and by country: the rollup, its country threshold,
the charts' data tables on the petition page, and the same numbers in the JSON."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from petitions import tallies
from petitions.models import Signature
from tests.conftest import page_text
from tests.petitions.factories import confirmed_signature, invalidated_signature, open_petition, withdrawn_signature

DAY = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("rows", "shown", "other"),
    [
        ([], (), 0),
        ([("GB", 5)], (("GB", 5),), 0),
        ([("GB", 4)], (), 4),
        ([("GB", 4), ("KZ", 1), ("", 7)], (), 12),
        ([("TR", 5), ("DE", 9), ("", 2), ("CN", 1)], (("DE", 9), ("TR", 5)), 3),
        ([("US", 6), ("AU", 6)], (("AU", 6), ("US", 6)), 0),
    ],
)
def test_countries_under_five_signatures_are_grouped(rows, shown, other):
    assert tallies.group_small_countries(rows) == (shown, other)


def test_running_totals_go_by_day_in_order():
    days = tallies.running_totals([(DAY + datetime.timedelta(days=2), 3), (DAY, 2)])
    assert [(day.day, day.signatures, day.total) for day in days] == [
        (DAY, 2, 2),
        (DAY + datetime.timedelta(days=2), 3, 5),
    ]


def _signed_on(petition, day: datetime.date, *, country: str, count: int = 1) -> None:
    when = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    for _ in range(count):
        signature = confirmed_signature(petition, country=country)
        Signature.objects.filter(pk=signature.pk).update(confirmed_at=when)


@pytest.mark.django_db
def test_the_tally_counts_only_counted_signatures():
    petition = open_petition()
    _signed_on(petition, DAY, country="GB", count=5)
    _signed_on(petition, DAY + datetime.timedelta(days=1), country="KZ", count=2)
    withdrawn_signature(petition, country="GB")
    invalidated_signature(petition, country="GB")

    tally = tallies.count_signatures(petition_id=petition.pk)

    assert [(day.day, day.signatures, day.total) for day in tally.days] == [
        (DAY, 5, 5),
        (DAY + datetime.timedelta(days=1), 2, 7),
    ]
    assert (tally.countries, tally.other_countries, tally.total) == ((("GB", 5),), 2, 7)


@pytest.mark.django_db
def test_the_tally_is_counted_again_only_when_stale(django_assert_num_queries):
    petition = open_petition()
    now = timezone.now()
    confirmed_signature(petition)
    assert tallies.tally_for(petition, now=now).total == 1
    confirmed_signature(petition)
    with django_assert_num_queries(0):
        assert tallies.tally_for(petition, now=now + datetime.timedelta(seconds=60)).total == 1
    assert tallies.tally_for(petition, now=now + datetime.timedelta(seconds=301)).total == 2


@pytest.mark.django_db
def test_while_one_request_counts_the_others_use_the_previous_tally(django_assert_num_queries):
    petition = open_petition()
    now = timezone.now()
    tallies.tally_for(petition, now=now)
    from django.core.cache import cache

    cache.add(f"plea:tally:{petition.pk}:lock", 1)
    with django_assert_num_queries(0):
        stale = tallies.tally_for(petition, now=now + datetime.timedelta(hours=1))
    assert stale.made_at == now


@pytest.mark.django_db
def test_the_petition_page_shows_the_charts_with_their_tables(client):
    petition = open_petition()
    _signed_on(petition, DAY, country="GB", count=5)
    _signed_on(petition, DAY + datetime.timedelta(days=3), country="KZ", count=1)

    response = client.get(petition.get_absolute_url())

    page = response.content.decode()
    charts = page[page.index('class="mt-4 petition-charts"') :]
    charts = charts[: charts.index("</section>")]
    text = page_text(response)
    assert "Signatures over time" in text and "Signatures by country" in text
    assert '<time datetime="2026-03-01">' in charts and '<time datetime="2026-03-04">' in charts
    assert "United Kingdom 5" in text
    assert "Other countries 1" in text
    assert "Kazakhstan" not in charts  # one signer from there: not singled out
    assert '<polyline class="line"' in page


@pytest.mark.django_db
@override_settings(PLEA_PAGE_CACHE_SECONDS=0)
def test_the_page_and_the_json_give_the_same_numbers(client):
    petition = open_petition()
    _signed_on(petition, DAY, country="PK", count=6)
    _signed_on(petition, DAY, country="", count=1)

    figures = client.get(f"/api/v1/petitions/{petition.slug}/").json()["signatures"]
    text = page_text(client.get(petition.get_absolute_url()))

    assert figures["by_country"] == [{"country": "PK", "name": "Pakistan", "signatures": 6}]
    assert figures["other_countries"] == 1
    assert figures["by_day"] == [{"day": "2026-03-01", "signatures": 7, "total": 7}]
    assert "Pakistan 6" in text and "Other countries 1" in text


@pytest.mark.django_db
def test_a_petition_without_signatures_shows_no_empty_chart(client):
    petition = open_petition()
    assert "Signatures over time" not in page_text(client.get(petition.get_absolute_url()))


@pytest.mark.django_db
def test_charts_read_right_to_left_in_urdu(client):
    petition = open_petition()
    _signed_on(petition, DAY, country="PK", count=5)
    page = client.get(f"/ur/petitions/{petition.slug}/").content.decode()
    assert 'dir="rtl"' in page and 'class="line-chart' in page
