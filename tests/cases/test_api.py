"""The cases' JSON API: exactly what a public case page shows."""

import datetime

import pytest

from cases.models import CaseLink, CaseText, Event
from tests.cases.factories import detention, public_case, source
from tests.cases.test_visibility import MARKERS
from tests.cases.test_visibility import world as case_world

pytestmark = pytest.mark.django_db
world = case_world  # the cases' private-data fixture

SUMMARY_FIELDS = {
    "reference", "url", "api_url", "name", "names", "status", "status_label", "status_as_of", "gender", "ethnicity",
    "hometown", "family_country", "published_at",
}  # fmt: skip
DETAIL_FIELDS = SUMMARY_FIELDS | {
    "age_reported", "age_reported_on", "birth_year", "summary", "language", "translations", "timeline",
    "testimonies", "sources", "other_databases", "relatives", "petitions",
}  # fmt: skip
TESTIMONY_FIELDS = {"given_by", "given_at", "date", "collected_by", "summary", "source"}
SOURCE_FIELDS = {"id", "publisher", "title", "author", "url", "published_on", "kind"}


def leaked(text: str) -> list[str]:
    return [field for field, marker in MARKERS.items() if marker.lower() in text.lower()]


def test_the_list_has_public_cases_only(client, world):
    response = client.get("/api/v1/cases/")
    body = response.json()
    assert [case["reference"] for case in body["results"]] == [world["person"].reference]
    assert set(body["results"][0]) == SUMMARY_FIELDS
    assert leaked(response.content.decode()) == []
    assert "secret-" not in response.content.decode()


@pytest.mark.parametrize(
    "query", ["q=Zqdraftname", "q=Zqinternalname", "q=Zqdraftspelling", "status=sentenced", "country=TR"]
)
def test_filters_never_find_a_private_case(client, world, query):
    body = client.get(f"/api/v1/cases/?{query}").json()
    assert body["count"] == 0 and body["results"] == []


def test_the_detail_has_exactly_the_public_fields_and_what_consent_allows(client, world):
    response = client.get(f"/api/v1/cases/{world['person'].reference}/")

    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert leaked(response.content.decode()) == []
    assert {testimony["given_by"] for testimony in body["testimonies"]} == {"Kaki Hakaer", "a neighbour"}
    assert all(set(testimony) == TESTIMONY_FIELDS for testimony in body["testimonies"])
    assert all(set(item) == SOURCE_FIELDS for item in body["sources"])
    # The draft sibling is not named; the public petition is listed.
    assert body["relatives"] == []
    assert [petition["slug"] for petition in body["petitions"]] == ["free-them"]


@pytest.mark.parametrize("reference", ["secret-draft", "secret-internal", "no-such-person"])
def test_draft_internal_and_unknown_cases_are_not_found(client, world, reference):
    response = client.get(f"/api/v1/cases/{reference}/")
    assert response.status_code == 404
    assert leaked(response.content.decode()) == []


def test_names_timeline_relatives_and_translations(client):
    cited = source(publisher="RFA", url="https://example.org/report")
    person = public_case(name="Ekpar Asat", spellings=("ئەكپەر ئەسەت", "艾克拜尔·艾沙"), status="sentenced")
    person.sources.add(cited)
    detention(person, on=datetime.date(2016, 4, 1))
    Event.objects.create(case=person, kind=Event.Kind.SENTENCED, date=datetime.date(2019, 1, 1), date_precision="year")
    sister = public_case(name="Rayhan Asat", gender="female")
    CaseLink.objects.create(case=person, relative=sister, relationship=CaseLink.Relationship.SIBLING)
    CaseText.objects.create(case=person, language="ug", summary="خۇلاسە")

    body = client.get(f"/api/v1/cases/{person.reference}/").json()

    assert [name["text"] for name in body["names"]] == ["Ekpar Asat", "ئەكپەر ئەسەت", "艾克拜尔·艾沙"]
    assert body["names"][0]["preferred"] is True
    assert [(event["kind"], event["date"]) for event in body["timeline"]] == [
        ("detained", "2016-04"),
        ("sentenced", "2019"),
    ]
    assert body["relatives"] == [
        {
            "reference": sister.reference,
            "name": "Rayhan Asat",
            "relationship": "sister",
            "url": body["relatives"][0]["url"],
        }
    ]
    assert body["translations"] == [{"language": "ug", "summary": "خۇلاسە"}]
    assert [item["url"] for item in body["sources"]] == ["https://example.org/report"]


def test_an_unnamed_person_shows_no_spelling(client):
    person = public_case(name="Zqunreported", name_unknown=True, unnamed_description="wife of a trader")
    body = client.get(f"/api/v1/cases/{person.reference}/").json()
    assert body["names"] == []
    assert body["name"] == "Name not reported (wife of a trader)"


@pytest.mark.parametrize("query", ["status=nonsense", "ethnicity=x", "page=0", "page=abc", "country=TURKEY"])
def test_bad_filter_values_are_bad_requests(client, world, query):
    assert client.get(f"/api/v1/cases/?{query}").status_code == 400


def test_the_list_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        public_case()
    # The count, the page, the names.
    with django_assert_max_num_queries(3):
        client.get("/api/v1/cases/")
