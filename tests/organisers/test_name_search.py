"""The signature list's name search: read once, counted up to its own cap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisers.views import signatures as views
from tests.conftest import page_text
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(client):
    petition = f.open_petition()
    for n in range(4):
        f.confirmed_signature(petition, full_name=f"Amina Yusup {n}")
    f.confirmed_signature(petition, full_name="Gulnar Tohti")
    f.pending_signature(petition, full_name="Amina Pending")
    other = f.open_petition()
    f.confirmed_signature(other, full_name="Amina Elsewhere")
    client.force_login(f.moderator_of(petition))
    return f"/en/organisers/petitions/{petition.slug}/signatures/"


def test_name_search_lists_the_matches_newest_first(client, listing):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(listing, {"name": "amina"})
    text = page_text(response)
    assert "5 signatures match." in text
    names = [s.full_name for s in response.context["page"].object_list]
    assert names == ["Amina Pending", "Amina Yusup 3", "Amina Yusup 2", "Amina Yusup 1", "Amina Yusup 0"]
    assert "Gulnar" not in text and "Elsewhere" not in text
    searching = [q for q in captured.captured_queries if "AMINA" in q["sql"].upper() and "signature" in q["sql"]]
    assert len(searching) == 1  # the matches are read once; count and page come from them


def test_name_search_with_other_filters(client, listing):
    response = client.get(listing, {"name": "Amina", "state": "pending"})
    assert [s.full_name for s in response.context["page"].object_list] == ["Amina Pending"]
    assert "1 signature matches." in page_text(response)


def test_name_search_counts_only_up_to_its_cap(client, listing, monkeypatch):
    monkeypatch.setattr(views, "NAME_MATCHES_COUNTED", 3)
    response = client.get(listing, {"name": "amina"})
    assert "More than 3 signatures match: narrow the search to see them all." in page_text(response)
    assert [s.full_name for s in response.context["page"].object_list][:3] == [
        "Amina Pending",
        "Amina Yusup 3",
        "Amina Yusup 2",
    ]
    # Other filters keep the larger cap.
    assert "6 signatures match." in page_text(client.get(listing))


def test_name_search_with_no_match(client, listing):
    response = client.get(listing, {"name": "Nobody"})
    assert response.status_code == 200
    assert "0 signatures match." in page_text(response)


def test_the_list_asks_for_the_role_once(client, listing):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(listing).status_code == 200
    asking = [q for q in captured.captured_queries if '"petitions_organiser"."role" AS "role"' in q["sql"]]
    assert len(asking) == 1
