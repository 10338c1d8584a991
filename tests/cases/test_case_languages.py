import pytest

from cases.models import CaseText
from tests.cases.factories import public_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    case = public_case(name="Kali Maolai", summary="Detained after a visit home.")
    CaseText.objects.create(case=case, language="ur", summary="گھر کے دورے کے بعد حراست میں لیا گیا۔")
    return case


def test_a_reader_gets_the_summary_in_their_language_marked_as_such(client, person):
    body = client.get(f"/ur/cases/{person.reference}/").content.decode()

    assert "گھر کے دورے کے بعد حراست میں لیا گیا۔" in body
    assert 'class="case-summary" lang="ur" dir="auto"' in body
    assert "Detained after a visit home." not in body


def test_without_a_translation_the_original_is_shown_in_its_own_language(client, person):
    body = client.get(f"/kk/cases/{person.reference}/").content.decode()

    assert "Detained after a visit home." in body
    assert 'class="case-summary" lang="en" dir="auto"' in body


def test_translations_cost_no_query_per_language(client, person, django_assert_max_num_queries):
    for language in ("ru", "tr", "kk"):
        CaseText.objects.create(case=person, language=language, summary=f"Summary {language}")
    with django_assert_max_num_queries(12):
        client.get(f"/tr/cases/{person.reference}/")
