import datetime

import pytest
from django.db import IntegrityError
from django.utils import translation

from cases.models import Case, CaseLink, CaseName, Event
from tests.cases.factories import public_case


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_spellings_get_a_search_key(db):
    case = public_case(name="Mäilikemu  MAIMATI")
    assert case.names.get().search_key == "mailikemu maimati"


def test_one_preferred_spelling_per_person(db):
    case = public_case()
    with pytest.raises(IntegrityError):
        CaseName.objects.create(case=case, text="Another", preferred=True)


def test_unnamed_person_says_so(db):
    case = Case.objects.create(reference="x", name_unknown=True, unnamed_description="wife of Mian Shahid Ilyas")
    # The description is isolated, so an Urdu page keeps the brackets around it.
    assert case.display_name == "Name not reported (\u2068wife of Mian Shahid Ilyas\u2069)"


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"age_reported": 20, "age_reported_on": datetime.date(2018, 9, 28)}, "20 (as reported in 2018)"),
        ({"birth_year": 1957}, "born in 1957"),
        ({}, ""),
    ],
)
def test_age_stays_true(db, fields, shown):
    assert Case(**fields).age_display == shown


def test_an_age_needs_the_date_it_was_reported(db):
    with pytest.raises(IntegrityError):
        Case.objects.create(reference="y", age_reported=20)


def test_event_dates_keep_their_precision(db):
    case = public_case()
    event = Event.objects.create(case=case, kind="camp", date=datetime.date(2017, 8, 19), date_precision="month")
    assert event.date == datetime.date(2017, 8, 1)
    assert event.date_display == "August 2017"
    assert event.date_iso == "2017-08"


def test_family_links_read_both_ways(db):
    mother = public_case(name="Mother", gender="female")
    son = public_case(name="Son", gender="male")
    CaseLink.objects.create(case=son, relative=mother, relationship=CaseLink.Relationship.PARENT)
    assert [(case.display_name, label) for case, label in son.related_public_cases()] == [("Mother", "mother")]
    assert [(case.display_name, label) for case, label in mother.related_public_cases()] == [("Son", "son")]


def test_search_ignores_case_and_accents(db):
    found = public_case(name="Kali Maolai", spellings=("Қали Маулай",))
    public_case(name="Someone Else")
    assert list(Case.objects.search("kälí")) == [found]
    assert list(Case.objects.search("ҚАЛИ")) == [found]
    assert list(Case.objects.search("")) == list(Case.objects.all())


@pytest.mark.parametrize("language", ["en", "ru", "tr"])
@pytest.mark.parametrize("status", [*Case.Status.values, "no-longer-a-choice"])
def test_status_label_is_the_status_display_in_every_language(status, language):
    case = Case(status=status)
    with translation.override(language):
        assert str(case.status_label) == str(case.get_status_display())


def test_status_label_is_translated_when_shown():
    case = Case(status=Case.Status.CAMP)
    with translation.override("ru"):
        russian = str(case.status_label)
    assert russian != str(case.status_label) == "Held in a camp"
