"""Every link to a place on the same page ("#…") lands somewhere: a dead one
looks like a broken promise (a feed link, an answer's fields)."""

import re

import pytest

from tests.cases.factories import public_case
from tests.petitions.factories import confirmed_signature, open_petition

pytestmark = pytest.mark.django_db


def dead_fragments(html: str) -> set[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    fragments = set(re.findall(r'\bhref="#([^"]+)"', html))
    return fragments - ids


@pytest.mark.parametrize("language", ["en", "ur"])
def test_no_public_page_links_to_a_place_it_does_not_have(client, language):
    petition = open_petition()
    confirmed_signature(petition)
    case = public_case()
    for path in (
        "/",
        petition.get_absolute_url().replace("/en/", "/"),
        "/open-data/",
        "/cases/",
        case.get_absolute_url().replace("/en/", "/"),
        "/cases/statistics/",
    ):
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        assert dead_fragments(response.content.decode()) == set(), path


def test_the_petition_page_shows_the_feed_it_promises(client):
    petition = open_petition()
    page = client.get(petition.get_absolute_url()).content.decode()
    feed = f'href="/en/petitions/{petition.slug}/updates/feed/"'
    assert page.count(feed) >= 2  # the <link> in the head and a link a person can see
    assert "Follow the updates in a feed reader (Atom)" in page
