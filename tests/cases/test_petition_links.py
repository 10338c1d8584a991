"""A case's page and API list the published petitions that fight for it,
most signed first: asked of the finder petitions registers
(cases.petition_links), since cases may not reach petitions."""

import pytest
from django.db.models import F

from petitions.models import Petition
from tests.cases.factories import public_case
from tests.petitions.factories import draft_petition, open_petition

pytestmark = pytest.mark.django_db


def test_the_case_page_and_api_list_the_published_petitions_that_fight_for_it(client):
    person = public_case(reference="kali-maolai")
    fewer, more, draft = open_petition(title="Fewer signed"), open_petition(title="More signed"), draft_petition()
    Petition.objects.filter(pk=more.pk).update(signature_count=F("signature_count") + 5)
    for petition in (fewer, more, draft):
        petition.cases.add(person)

    page = client.get(person.get_absolute_url()).text
    api = client.get(f"/api/v1/cases/{person.reference}/").json()

    assert page.index("More signed") < page.index("Fewer signed")
    assert draft.title not in page
    assert [petition["slug"] for petition in api["petitions"]] == [more.slug, fewer.slug]
