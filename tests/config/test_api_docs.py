"""The open data page: the API documented from its own schema, drawn on the server."""

import pytest

from config.api_docs import describe_type

pytestmark = pytest.mark.django_db


def test_the_open_data_page_documents_the_api_from_its_schema_and_loads_nothing_from_elsewhere(client):
    response = client.get("/en/open-data/")

    page = response.content.decode()
    assert response.status_code == 200
    for path in ("/api/v1/petitions/", "/api/v1/petitions/{slug}/", "/api/v1/cases/", "/api/v1/cases/{reference}/"):
        assert f"GET {path}" in page
    assert 'id="schema-PetitionDetail"' in page and "signature_count" in page
    assert "/en/cases/data/cases.csv" in page and "CC BY 4.0" in page
    assert "<script" not in page and "cdn" not in page.lower()
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Plea open data"


@pytest.mark.parametrize(
    ("schema", "said"),
    [
        ({"type": "integer"}, "integer"),
        ({"type": "string", "format": "date"}, "string (date)"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/Update"}}, "list of Update"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "integer or null"),
        ({"enum": ["open", "closed"]}, "one of open, closed"),
        ({}, "any"),
    ],
)
def test_types_are_described_as_a_reader_would_say_them(schema, said):
    assert describe_type(schema) == said


def test_the_schema_is_readable_from_any_origin_and_cached(client):
    response = client.get("/api/v1/openapi.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=5"
    assert set(response.json()["paths"]) == {
        "/api/v1/petitions/",
        "/api/v1/petitions/{slug}/",
        "/api/v1/cases/",
        "/api/v1/cases/{reference}/",
    }


def test_each_endpoint_says_what_it_answers_with_and_links_to_its_fields(client):
    page = client.get("/en/open-data/").content.decode()
    for model in ("PetitionPage", "PetitionDetail", "CasePage", "CaseDetail"):
        assert f'Answers with: <a href="#schema-{model}"><code>{model}</code></a>' in page
    assert "<code>any</code>" not in page
