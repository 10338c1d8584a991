"""The public cases as a downloadable data set, CSV and JSON, with a licence."""

import csv
import io
import json

import pytest
from django.test import override_settings

from tests.cases.factories import public_case
from tests.cases.test_visibility import MARKERS
from tests.cases.test_visibility import world as case_world
from tests.conftest import rate_limit_rules

pytestmark = pytest.mark.django_db
world = case_world  # the cases' private-data fixture


def leaked(text: str) -> list[str]:
    return [field for field, marker in MARKERS.items() if marker.lower() in text.lower()]


def test_the_csv_holds_public_cases_only(client, world):
    public_case(name='=HYPERLINK("http://evil")', reference="formula-person")

    response = client.get("/en/cases/data/cases.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="plea-cases-')
    assert 'rel="license"' in response["Link"]
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == ["formula-person", world["person"].reference]
    assert rows[1]["name"] == "Kali Maolai" and rows[1]["hometown_prefecture"] == "Ili"
    # A name a spreadsheet would run as a formula is made inert.
    assert rows[0]["name"].startswith("'=")
    assert leaked(text) == [] and "secret-" not in text


def test_the_json_states_its_licence_and_matches_the_api(client, world):
    response = client.get("/en/cases/data/cases.json")

    data = json.loads(response.getvalue())
    assert data["licence"] == "CC BY 4.0"
    assert data["licence_url"].startswith("https://creativecommons.org/licenses/by/4.0")
    [case] = data["cases"]
    detail = client.get(f"/api/v1/cases/{world['person'].reference}/").json()
    for field in ("reference", "name", "names", "status", "hometown", "timeline", "testimonies", "sources"):
        assert case[field] == detail[field], field
    assert leaked(response.getvalue().decode()) == []


def test_an_empty_data_set_is_still_valid(client):
    assert json.loads(client.get("/en/cases/data/cases.json").getvalue())["cases"] == []
    assert client.get("/en/cases/data/cases.csv").getvalue().decode("utf-8-sig").startswith("reference,url,name")


@override_settings(PLEA_RATE_LIMITS=rate_limit_rules(dataset=[(1, 3600)]))
def test_downloads_are_limited_per_address_and_read_only(client, world):
    assert client.get("/en/cases/data/cases.csv").status_code == 200
    assert client.get("/en/cases/data/cases.json").status_code == 429
    assert client.post("/en/cases/data/cases.json", REMOTE_ADDR="192.0.2.1").status_code == 405
