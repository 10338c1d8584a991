"""The same person's entries in other databases: kept valid, edited by case
editors (through review once the case is public), shown on the public page
and in the open data, and found again to flag a duplicate."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import CaseIdentifier, CaseRevision, cases_with_identifier
from tests.cases.factories import draft_case, public_case, shown_for_publication
from tests.conftest import page_text
from tests.organisers.factories import case_editor
from tests.organisers.test_case_desk import section_form, section_url

pytestmark = pytest.mark.django_db

SHAHIT = CaseIdentifier.Database.XINJIANG_VICTIMS


def identifier(case, **fields) -> CaseIdentifier:
    entry = CaseIdentifier(case=case, **fields)
    entry.full_clean()
    entry.save()
    return entry


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"database": SHAHIT}, "__all__", "Give the entry's number, its web address, or both."),
        ({"database": "other", "number": "12"}, "database_name", "Name the database."),
        ({"database": SHAHIT, "url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"database": SHAHIT, "url": "ftp://shahit.biz/1"}, "url", "Enter a web address starting with https://."),
        ({"database": SHAHIT, "number": "1\x00"}, "number", "Remove the invisible control characters"),
        ({"database": "nonsense", "number": "1"}, "database", "is not a valid choice"),
    ],
)
def test_an_identifier_must_say_where_and_which_entry(fields, field, message):
    entry = CaseIdentifier(case=draft_case(), **fields)
    with pytest.raises(ValidationError) as refusal:
        entry.full_clean()
    assert message in " ".join(refusal.value.message_dict[field])


def test_the_entry_number_is_read_from_a_known_databases_address():
    entry = identifier(draft_case(), database=SHAHIT, url="https://shahit.biz/eng/viewentry.php?entryno=4521")
    assert entry.number == "4521"


def test_an_entry_belongs_to_one_person_only():
    identifier(draft_case(), database=SHAHIT, number="4521")
    second = CaseIdentifier(case=draft_case(), database=SHAHIT, number="4521")
    with pytest.raises(ValidationError) as refusal:
        second.full_clean()
    assert "Another case already has this entry number in this database." in str(refusal.value)
    # The same number in another database is another entry.
    identifier(draft_case(), database=CaseIdentifier.Database.UHRP, number="4521")


def test_cases_with_identifier_finds_the_entry_by_number_or_address():
    known = draft_case()
    identifier(known, database=SHAHIT, url="https://shahit.biz/eng/viewentry.php?entryno=4521")
    elsewhere = draft_case()
    identifier(elsewhere, database="other", database_name="Atajurt video list", url="https://example.org/v/9/")

    assert list(cases_with_identifier(SHAHIT, "4521")) == [known]
    assert list(cases_with_identifier(SHAHIT, " #4521 ")) == [known]
    assert list(cases_with_identifier(SHAHIT, "https://shahit.biz/eng/viewentry.php?entryno=4521")) == [known]
    assert list(cases_with_identifier(SHAHIT, "https://shahit.biz/viewentry.php?entryno=4521")) == [known]
    assert list(cases_with_identifier("other", "https://example.org/v/9", database_name="atajurt video list")) == [
        elsewhere
    ]
    assert not cases_with_identifier("other", "https://example.org/v/9", database_name="Another list").exists()
    assert not cases_with_identifier(SHAHIT, "452").exists()
    assert not cases_with_identifier(CaseIdentifier.Database.UHRP, "4521").exists()
    assert not cases_with_identifier(SHAHIT, "  ").exists()


def test_the_public_page_and_data_show_a_public_persons_entries(client):
    person = public_case(reference="kali-maolai")
    identifier(person, database=SHAHIT, number="4521", url="https://shahit.biz/eng/viewentry.php?entryno=4521")
    identifier(person, database="other", database_name="Zq family list", number="A-7")

    text = page_text(client.get(person.get_absolute_url()))
    assert "Also documented in Zq family list: entry A-7" in text
    assert "Xinjiang Victims Database (shahit.biz): entry 4521 · view the entry" in text

    api = client.get(reverse("api:case", kwargs={"reference": "kali-maolai"})).json()
    assert {(entry["database_name"], entry["number"]) for entry in api["other_databases"]} == {
        ("Xinjiang Victims Database (shahit.biz)", "4521"),
        ("Zq family list", "A-7"),
    }
    csv = b"".join(client.get(reverse("cases:data_csv")).streaming_content).decode()
    assert "Zq family list: A-7 | Xinjiang Victims Database (shahit.biz): 4521" in csv


def test_a_drafts_entries_are_nowhere_public(client):
    draft = draft_case(reference="zq-draft")
    identifier(draft, database="other", database_name="Zqhiddenlist", number="99")
    assert client.get(reverse("api:case", kwargs={"reference": "zq-draft"})).status_code == 404
    assert "Zqhiddenlist" not in b"".join(client.get(reverse("cases:data_csv")).streaming_content).decode()


def test_editors_add_an_entry_on_the_desk_to_a_draft_directly(client):
    alice = case_editor("alice")
    case = draft_case()
    client.force_login(alice)
    data = section_form(client, case, "identifiers") | {
        "identifiers-TOTAL_FORMS": "1",
        "identifiers-0-database": SHAHIT,
        "identifiers-0-url": "https://shahit.biz/eng/viewentry.php?entryno=77",
    }
    client.post(section_url(case, "identifiers"), data)
    assert list(case.identifiers.values_list("number", flat=True)) == ["77"]


def test_the_desk_says_when_another_case_holds_the_entry(client):
    identifier(draft_case(), database=SHAHIT, number="77")
    case = draft_case()
    client.force_login(case_editor("alice"))
    data = section_form(client, case, "identifiers") | {
        "identifiers-TOTAL_FORMS": "1",
        "identifiers-0-database": SHAHIT,
        "identifiers-0-number": "77",
    }
    answer = client.post(section_url(case, "identifiers"), data)
    assert answer.status_code == 400
    assert "Another case already has this entry number in this database." in page_text(answer)
    assert not case.identifiers.exists()


def test_a_public_cases_new_entry_waits_for_a_second_editor(client):
    from cases.publication import case_approve, case_submit
    from cases.revisions import revision_approve

    alice, bilal = case_editor("alice"), case_editor("bilal")
    person = draft_case(reference="kali-maolai")
    case_submit(case=person, by=alice)
    case_approve(case=person, by=bilal, shown=shown_for_publication(person))
    client.force_login(alice)
    data = section_form(client, person, "identifiers") | {
        "identifiers-TOTAL_FORMS": "1",
        "identifiers-0-database": SHAHIT,
        "identifiers-0-number": "4521",
    }
    client.post(section_url(person, "identifiers"), data)

    assert not person.identifiers.exists()
    revision = CaseRevision.objects.proposed().get()
    client.force_login(bilal)
    review = page_text(client.get(reverse("organisers:case_revision", kwargs={"pk": revision.pk})))
    assert "Entries in other databases" in review
    assert "4521" in review

    revision_approve(revision=revision, by=bilal, shown=revision.content_hash)
    assert list(person.identifiers.values_list("number", flat=True)) == ["4521"]
    client.logout()
    assert "entry 4521" in page_text(client.get(person.get_absolute_url()))


def test_restoring_a_version_from_before_entries_were_kept_leaves_them(client):
    from cases.revisions import apply, snapshot

    person = public_case()
    identifier(person, database=SHAHIT, number="1")
    old = snapshot(person)
    del old["identifiers"]
    apply(person, old)
    assert person.identifiers.count() == 1


def test_editors_find_a_case_in_the_admin_by_its_entry_number(client):
    identifier(draft_case(reference="zq-found"), database=SHAHIT, number="98765")
    draft_case(reference="zq-other")
    client.force_login(case_editor("alice"))
    found = client.get(reverse("admin:cases_case_changelist"), {"q": "98765"})
    assert [case.reference for case in found.context["cl"].result_list] == ["zq-found"]
