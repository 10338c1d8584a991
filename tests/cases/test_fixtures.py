"""The demo data drawn from the seeds: every person browsable, linked both ways."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case, CaseName, Statistic
from cases.search_keys import name_search_key
from petitions.models import Petition

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "cases.json"


@pytest.fixture
def demo(demo_data, db):
    """The demo, loaded once for the module (tests/conftest.py)."""


def test_every_fixture_case_page_shows_the_person(client, demo):
    cases = list(Case.objects.public().with_names())
    assert len(cases) == 11
    for case in cases:
        response = client.get(case.get_absolute_url())
        assert response.status_code == 200
        assert case.display_name in response.content.decode()
    listing = client.get("/en/cases/").content.decode()
    assert "11 people" in listing


def test_unnamed_people_say_so(client, demo):
    page = client.get("/en/cases/wife-of-mian-shahid-ilyas/").content.decode()
    assert "Name not reported (wife of Mian Shahid Ilyas)" in page


def test_petition_and_cases_link_both_ways(client, demo):
    petition = Petition.objects.get(pk=1)
    petition_page = client.get(petition.get_absolute_url()).content.decode()
    assert "The people behind this petition" in petition_page
    assert "Mailikemu Maimati" in petition_page
    case_page = client.get("/en/cases/mailikemu-maimati/").content.decode()
    assert petition.title in case_page
    assert f"{petition.get_absolute_url()}#sign" in case_page


def test_a_spelling_an_organiser_adds_is_found(client, demo):
    case = Case.objects.get(reference="atilehan-xiahaer")
    CaseName.objects.create(case=case, text="Әтілхан Шахар", script="cyrillic", system="kazakh_cyrillic")
    response = client.get("/en/cases/", {"q": "әтілхан"})
    assert [found.reference for found in response.context["page"].object_list] == ["atilehan-xiahaer"]


def test_family_links_are_shown(client, demo):
    page = client.get("/en/cases/hayilati-hanati/").content.decode()
    assert "Atilehan Xiahaer" in page and "cousin" in page


def test_atajurt_figures_are_statistics_not_cases(client, demo):
    assert Statistic.objects.public().filter(value=6000).count() == 2
    page = client.get("/en/cases/statistics/").content.decode()
    assert "Shawan County" in page and "30,000" in page


def test_load_demo_twice_changes_nothing(demo):
    def snapshot():
        return (
            list(Case.objects.values().order_by("pk")),
            list(CaseName.objects.values().order_by("pk")),
            list(Petition.objects.get(pk=1).cases.values_list("pk", flat=True).order_by("pk")),
            get_user_model().objects.count(),
        )

    before = snapshot()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == before


def test_fixture_search_keys_match_the_names():
    rows = [row for row in json.loads(FIXTURE.read_text()) if row["model"] == "cases.casename"]
    assert rows
    for row in rows:
        assert row["fields"]["search_key"] == name_search_key(row["fields"]["text"])


def test_fixture_invents_no_web_addresses():
    sources = [row for row in json.loads(FIXTURE.read_text()) if row["model"] == "cases.source"]
    assert {row["fields"]["url"] for row in sources} == {""}
