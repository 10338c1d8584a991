"""The petitions' JSON API: what the pages show, field by field, and nothing else."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from petitions import transparency
from petitions.models import PetitionText, PetitionUpdate
from tests.cases.factories import draft_case, public_case
from tests.conftest import rate_limit_rules
from tests.petitions.factories import (
    closed_petition,
    confirmed_signature,
    draft_petition,
    hidden_signature,
    open_petition,
    pending_signature,
)

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = {
    "slug", "url", "api_url", "title", "summary", "language", "addressed_to", "organiser_name", "status",
    "opened_at", "closes_at", "closed_at", "signature_count", "paper_signature_count", "total_signature_count", "goal",
}  # fmt: skip
DETAIL_FIELDS = SUMMARY_FIELDS | {
    "story", "victory_note", "translations", "signatures", "updates", "people", "updates_feed", "log",
}  # fmt: skip


def test_the_list_shows_published_petitions_only_with_exactly_the_public_fields(client):
    shown = open_petition(title="Free Ekpar Asat", summary="A summary")
    closed_petition()
    draft_petition(title="Zqdraft petition")

    body = client.get("/api/v1/petitions/").json()

    assert body["count"] == 2
    assert {petition["slug"] for petition in body["results"]} >= {shown.slug}
    for petition in body["results"]:
        assert set(petition) == SUMMARY_FIELDS
    assert "Zqdraft" not in json.dumps(body)


def test_the_detail_has_exactly_the_public_fields_and_no_signer(client):
    petition = open_petition(story="Release **them**.")
    confirmed_signature(
        petition, full_name="Zqhiddenname", email="zqsigner@example.org", ip_hash="zqiphash", show_publicly=False
    )
    hidden_signature(petition, full_name="Zqhiddenname2", reason="Zqreason")
    pending_signature(petition, full_name="Zqpending", show_publicly=True)

    response = client.get(f"/api/v1/petitions/{petition.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["signature_count"] == 2
    assert body["story"] == "Release **them**."
    assert set(body["signatures"]) == {"counted_at", "by_country", "other_countries", "by_day"}
    assert "zq" not in response.content.decode().lower()


def test_the_detail_gives_translations_updates_and_only_public_people(client):
    petition = open_petition(title="Free them")
    PetitionText.objects.create(petition=petition, language="ur", title="انہیں آزاد کرو", summary="", story="کہانی")
    PetitionUpdate.objects.create(petition=petition, title="Delivered", body="We delivered it.")
    person = public_case(name="Kali Maolai")
    petition.cases.add(person, draft_case(name="Zqdraftname"))

    body = Client().get(f"/api/v1/petitions/{petition.slug}/").json()

    assert body["translations"] == [{"language": "ur", "title": "انہیں آزاد کرو", "summary": "", "story": "کہانی"}]
    assert [update["title"] for update in body["updates"]] == ["Delivered"]
    assert [person["name"] for person in body["people"]] == ["Kali Maolai"]
    assert body["updates_feed"].endswith(f"/en/petitions/{petition.slug}/updates/feed/")


def test_drafts_and_unknown_slugs_are_not_found(client):
    draft = draft_petition()
    for slug in (draft.slug, "no-such-petition"):
        response = client.get(f"/api/v1/petitions/{slug}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("status", "expected"), [("open", {"open-one"}), ("closed", {"closed-one", "past-date"}), ("victory", {"won"})]
)
def test_the_list_filters_by_the_status_the_page_shows(client, status, expected):
    open_petition(slug="open-one")
    closed_petition(slug="closed-one")
    open_petition(slug="past-date", closes_at=timezone.now() - datetime.timedelta(days=1))
    closed_petition(slug="won").declare_victory(note="They were released.")

    body = client.get(f"/api/v1/petitions/?status={status}").json()

    assert {petition["slug"] for petition in body["results"]} == expected
    assert {petition["status"] for petition in body["results"]} == {status}


def test_search_finds_a_title_in_a_translation(client):
    petition = open_petition(title="Free them")
    PetitionText.objects.create(petition=petition, language="ru", title="Освободите их", summary="", story="")
    open_petition(title="Something else")

    body = client.get("/api/v1/petitions/?q=Освободите").json()

    assert [found["slug"] for found in body["results"]] == [petition.slug]


def test_pages_link_to_each_other_and_a_page_past_the_end_is_not_found(client):
    for _ in range(21):
        open_petition()

    first = client.get("/api/v1/petitions/").json()
    second = client.get(first["next"]).json()

    assert (first["count"], first["pages"], len(first["results"])) == (21, 2, 20)
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]
    assert client.get("/api/v1/petitions/?page=3").status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1e999", "99999999999999999999999", "%00"])
def test_hostile_page_numbers_are_bad_requests(client, page):
    open_petition()
    response = client.get(f"/api/v1/petitions/?page={page}")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid request."


def test_it_is_read_only(client):
    petition = open_petition()
    for url in ("/api/v1/petitions/", f"/api/v1/petitions/{petition.slug}/"):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(url).status_code == 405


def test_any_origin_may_read_it_and_it_sets_no_cookie(client):
    petition = open_petition()
    response = client.get(f"/api/v1/petitions/{petition.slug}/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=5"
    assert not response.cookies


def test_answers_are_served_from_the_cache_for_a_few_seconds(client, django_assert_num_queries):
    petition = open_petition()
    url = f"/api/v1/petitions/{petition.slug}/"
    first = client.get(url).content
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first
    assert again["Access-Control-Allow-Origin"] == "*"


@override_settings(PLEA_RATE_LIMITS=rate_limit_rules(api=[(3, 60)]))
def test_too_many_requests_from_one_address_are_refused(client):
    petition = open_petition()
    url = f"/api/v1/petitions/{petition.slug}/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200  # another address


def test_the_answer_is_in_english_whatever_the_visitor_asks(client):
    petition = open_petition()
    response = client.get("/api/v1/petitions/?page=0", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.json()["errors"][0]["msg"].startswith("Input should be")
    assert client.get(f"/api/v1/petitions/{petition.slug}/").json()["url"].endswith(f"/en/petitions/{petition.slug}/")


def test_the_list_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        open_petition()
    # The count, the page.
    with django_assert_max_num_queries(2):
        client.get("/api/v1/petitions/")


def test_one_cached_answer_serves_readers_of_every_language(client, django_assert_num_queries):
    petition = open_petition()
    url = f"/api/v1/petitions/{petition.slug}/"
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="ur").content
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content == first


def test_the_detail_gives_the_log_its_key_and_the_checkpoint_the_count_comes_from(client, petition):
    confirmed_signature(petition)
    before = client.get(f"/api/v1/petitions/{petition.slug}/").json()["log"]
    assert before["checkpoint"] is None
    transparency.make_checkpoint(petition_id=petition.pk)
    cache.clear()

    log = client.get(f"/api/v1/petitions/{petition.slug}/").json()["log"]

    assert log["url"] == f"http://127.0.0.1:8000/petition-logs/{petition.pk}/"
    assert log["verifier_key"] == transparency.signer().verifier.vkey
    assert log["origin"] == transparency.origin(petition.pk)
    assert {k: log["checkpoint"][k] for k in ("size", "count", "online_count", "paper_count")} == {
        "size": 1, "count": 1, "online_count": 1, "paper_count": 0
    }  # fmt: skip
    assert log["witnesses"] == []
