"""The Atom feed of newly published cases."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.cases.factories import public_case
from tests.cases.test_visibility import MARKERS
from tests.cases.test_visibility import world as case_world

pytestmark = pytest.mark.django_db
world = case_world  # the cases' private-data fixture

ATOM = "{http://www.w3.org/2005/Atom}"


def test_newly_published_cases_newest_first_and_nothing_private(client, world):
    now = timezone.now()
    public_case(name="Earlier Person", approved_at=now - datetime.timedelta(days=3))
    public_case(name="Newest Person", approved_at=now + datetime.timedelta(minutes=1), status="sentenced")

    response = client.get("/en/cases/feed/")

    feed = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Newest Person: Sentenced", "Kali Maolai: Unknown", "Earlier Person: Unknown"]
    body = response.content.decode().lower()
    assert [field for field, marker in MARKERS.items() if marker.lower() in body] == []


def test_the_case_page_advertises_its_json_and_the_feed(client, world):
    page = client.get(world["person"].get_absolute_url()).content.decode()
    assert f'href="/api/v1/cases/{world["person"].reference}/"' in page
    assert 'type="application/atom+xml" href="/en/cases/feed/"' in page
