"""Finding petitions: the Open, Closed and Victories tabs and the search box."""

import datetime

import pytest
from django.utils import timezone

from petitions.models import PetitionText
from tests.conftest import page_text
from tests.petitions.factories import closed_petition, draft_petition, open_petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def petitions():
    return {
        "open": open_petition(title="Open one"),
        "past": open_petition(title="Past its date", closes_at=timezone.now() - datetime.timedelta(hours=1)),
        "closed": closed_petition(title="Closed one"),
        "won": open_petition(title="Won one"),
        "draft": draft_petition(title="Draft one"),
    }


def titles(response) -> set[str]:
    return {petition.title for petition in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("tab", "expected", "heading"),
    [
        ("", {"Open one"}, "Open petitions"),
        ("open", {"Open one"}, "Open petitions"),
        ("closed", {"Past its date", "Closed one"}, "Closed petitions"),
        ("victories", {"Won one"}, "Victories"),
        ("<script>", {"Open one"}, "Open petitions"),
    ],
)
def test_each_tab_lists_its_petitions_and_never_a_draft(client, petitions, tab, expected, heading):
    petitions["won"].declare_victory(note="Released.")
    response = client.get(f"/en/?tab={tab}")
    assert titles(response) == expected
    assert f'<h1 class="h2 mb-3">{heading}</h1>' in response.content.decode()


def test_the_tabs_are_links_that_keep_the_sort_and_mark_the_current_one(client, petitions):
    page = client.get("/en/?tab=closed&sort=new").content.decode()
    assert 'class="nav-link active" aria-current="page" href="?tab=closed&amp;sort=new"' in page
    assert 'href="?tab=victories&amp;sort=new"' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("uyghur", {"Free the Uyghur scholars"}),
        ("TEACHERS", {"Free the Uyghur scholars"}),  # a word of the summary, in any case
        ("Освободите", {"Free the Uyghur scholars"}),  # the Russian translation's title
        ("ئالىملار", {"Free the Uyghur scholars"}),  # the Uyghur translation's summary
        ("nothing like it", set()),
    ],
)
def test_search_across_titles_and_summaries_in_every_language(client, query, expected):
    petition = open_petition(title="Free the Uyghur scholars", summary="Teachers and writers held since 2017.")
    PetitionText.objects.create(petition=petition, language="ru", title="Освободите уйгурских учёных", story="")
    PetitionText.objects.create(petition=petition, language="ug", title="ئازاد قىلىڭ", summary="ئالىملار", story="")
    open_petition(title="Another petition")

    response = client.get("/en/", {"q": query})

    assert titles(response) == expected
    if not expected:
        assert "0 petitions match" in page_text(response)


def test_search_looks_in_every_tab_and_says_where_each_petition_is(client, petitions):
    petitions["won"].declare_victory(note="Released.")
    response = client.get("/en/", {"q": "one", "tab": "open"})
    assert titles(response) == {"Open one", "Closed one", "Won one"}  # never the draft
    page = page_text(response)
    assert "Search all petitions" in page
    for state in ("Open", "Closed", "Victory"):
        assert f"{state} " in page
    assert titles(client.get("/en/", {"q": "Draft"})) == set()


def test_a_victory_is_found_by_its_name(client):
    petition = open_petition(title="Free Maolai", summary="")
    petition.declare_victory(note="Released.")
    response = client.get("/en/", {"q": "Maolai"})
    assert titles(response) == {"Free Maolai"}
    assert 'class="badge text-bg-warning">Victory</span>' in response.content.decode()


def test_search_pages_keep_the_query(client):
    for n in range(13):
        open_petition(title=f"Scholar {n}")
    page = client.get("/en/", {"q": "Scholar"}).content.decode()
    assert "?sort=popular&amp;q=Scholar&amp;page=2" in page
