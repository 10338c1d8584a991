"""Atom feeds of new petitions and of a petition's updates."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from petitions.models import PetitionText, PetitionUpdate
from tests.conftest import rate_limit_rules
from tests.petitions.factories import closed_petition, draft_petition, open_petition

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def titles(response) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(response)]


def test_new_petitions_feed_lists_published_petitions_newest_first_and_no_draft(client):
    open_petition(title="First")
    closed_petition(title="Second")
    draft_petition(title="Zqdraft")
    open_petition(title="Third")

    assert titles(client.get("/en/feed/")) == ["Third", "Second", "First"]


def test_feeds_are_in_the_language_of_the_address(client):
    petition = open_petition(title="Free them")
    PetitionText.objects.create(petition=petition, language="ur", title="انہیں آزاد کرو", story="کہانی")

    assert titles(client.get("/ur/feed/")) == ["انہیں آزاد کرو"]
    assert titles(client.get("/en/feed/")) == ["Free them"]


def test_a_petitions_updates_feed(client):
    petition = open_petition()
    PetitionUpdate.objects.create(petition=petition, title="Delivered", body="We delivered **it**.")
    PetitionUpdate.objects.create(petition=open_petition(), title="Another petition's news", body="x")

    response = client.get(f"/en/petitions/{petition.slug}/updates/feed/")

    [entry] = entries(response)
    assert entry.findtext(f"{ATOM}title") == "Delivered"
    assert "<strong>it</strong>" in entry.findtext(f"{ATOM}summary")
    assert entry.find(f"{ATOM}link").get("href").endswith(petition.get_absolute_url())


def test_a_drafts_updates_feed_and_an_unknown_one_are_not_found(client):
    draft = draft_petition()
    PetitionUpdate.objects.create(petition=draft, title="Zqsecret", body="x")
    for slug in (draft.slug, "no-such-petition"):
        response = client.get(f"/en/petitions/{slug}/updates/feed/")
        assert response.status_code == 404
        assert "Zqsecret" not in response.content.decode()


def test_petition_pages_and_the_list_advertise_their_feeds_and_json(client):
    petition = open_petition()
    page = client.get(petition.get_absolute_url()).content.decode()
    assert f'<link rel="alternate" type="application/json" href="/api/v1/petitions/{petition.slug}/">' in page
    assert f'type="application/atom+xml" href="/en/petitions/{petition.slug}/updates/feed/"' in page
    listing = client.get("/en/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/en/feed/"' in listing


@override_settings(PLEA_RATE_LIMITS=rate_limit_rules(api=[(2, 60)]))
def test_feeds_are_cached_limited_and_read_only(client, django_assert_num_queries):
    open_petition()
    assert client.get("/en/feed/")["Cache-Control"] == "public, max-age=5"
    with django_assert_num_queries(0):
        assert client.get("/en/feed/").status_code == 200
    assert client.get("/en/feed/").status_code == 429
    assert client.post("/en/feed/", REMOTE_ADDR="192.0.2.9").status_code == 405
