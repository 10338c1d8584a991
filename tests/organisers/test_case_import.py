"""Case editors import people from a CSV file: a preview of exactly what will
be created, row problems in words, rows that look like people already here;
nothing written until they confirm; drafts, audited. Hostile files (huge,
wrongly encoded, too many rows, formulas) are refused or defused."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from cases import audit_actions, case_csv, csv_import
from cases.models import Case, CaseIdentifier, CaseImport, CaseName, Event, Source, Visibility
from tests.cases.factories import draft_case, public_case
from tests.conftest import page_text
from tests.organisers.factories import case_editor, organiser_user

pytestmark = pytest.mark.django_db

IMPORT = reverse("organisers:case_import")


def csv_bytes(rows: list[dict], *, columns: list[str] | None = None, bom: bool = False) -> bytes:
    columns = columns or case_csv.COLUMNS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def upload(client, data: bytes, name: str = "people.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.fixture
def editor(client):
    account = case_editor("alice")
    client.force_login(account)
    return account


ROWS = [
    {
        "name_latin": "Zqfirst Person",
        "name_cyrillic": "Зкфирст Персон",
        "status": "camp",
        "gender": "Female",
        "ethnicity": "kazakh",
        "hometown_prefecture": "Ili",
        "family_country": "Kazakhstan",
        "detained_on": "2018-03",
        "last_contact_on": "2018",
        "source_publisher": "Atajurt",
        "source_title": "Video 12",
        "source_url": "https://example.org/v/12",
        "other_database": "xjvictims",
        "other_database_entry": "https://shahit.biz/eng/viewentry.php?entryno=4521",
        "summary": "Taken in 2018.",
        "internal_notes": "Zqnote",
    },
    {"name_arabic": "زېكرى ئەھمەت", "status": "Sentenced", "status_as_of": "2020-01-05"},
]


def test_the_preview_shows_what_will_be_created_and_nothing_is_written_before_confirming(client, editor):
    answer = upload(client, csv_bytes(ROWS, bom=True))

    kept = CaseImport.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("organisers:case_import_preview", kwargs={"pk": kept.pk})
    assert not Case.objects.exists()
    preview = page_text(client.get(answer["Location"]))
    assert "The file has 2 people. 2 rows are ready to import." in preview
    assert "Zqfirst Person / Зкфирст Персон Held in a camp Ili 2018-03 2018 Atajurt: Video 12" in preview
    assert "زېكرى ئەھمەت Sentenced" in preview

    done = client.post(reverse("organisers:case_import_confirm", kwargs={"pk": kept.pk}), follow=True)

    assert "2 draft cases created." in page_text(done)
    first = Case.objects.get(names__text="Zqfirst Person")
    assert first.visibility == Visibility.DRAFT
    assert (first.reference, first.status, first.gender, str(first.family_country)) == (
        "zqfirst-person",
        "camp",
        "female",
        "KZ",
    )
    assert list(first.names.values_list("text", "script", "preferred")) == [
        ("Zqfirst Person", "latin", True),
        ("Зкфирст Персон", "cyrillic", False),
    ]
    assert sorted(first.events.values_list("kind", "date", "date_precision")) == [
        ("detained", datetime.date(2018, 3, 1), "month"),
        ("last_contact", datetime.date(2018, 1, 1), "year"),
    ]
    assert list(first.identifiers.values_list("database", "number")) == [("xjvictims", "4521")]
    assert list(first.sources.values_list("url", flat=True)) == ["https://example.org/v/12"]
    second = Case.objects.get(names__text="زېكرى ئەھمەت")
    assert second.reference == "case" and second.status_as_of == datetime.date(2020, 1, 5)
    entry = AuditEntry.objects.get(action=audit_actions.CASE_IMPORT)
    assert (entry.actor, entry.details["created"], entry.details["skipped"]) == (editor, 2, 0)
    assert CaseImport.objects.get().state == CaseImport.State.IMPORTED
    # Drafts stay out of public search and pages.
    assert not Case.objects.public().search("Zqfirst").exists()
    assert client.get(first.get_absolute_url()).status_code == 404


def test_confirming_twice_creates_nothing_more(client, editor):
    upload(client, csv_bytes(ROWS[:1]))
    kept = CaseImport.objects.get()
    confirm = reverse("organisers:case_import_confirm", kwargs={"pk": kept.pk})
    client.post(confirm)
    assert client.post(confirm).status_code == 404
    assert Case.objects.count() == 1


def test_row_problems_are_said_in_words_and_those_rows_are_left_out(client, editor):
    rows = [
        {"name_latin": "Zqgood Row"},
        {"name_latin": "Zqbad Status", "status": "jailed"},
        {"status": "camp"},
        {"name_latin": "Zqbad Date", "detained_on": "March 2018", "birth_year": "18"},
        {"name_latin": "Zqbad Country", "family_country": "Atlantis", "language": "xx"},
        {"name_latin": "Zqbad Source", "source_url": "javascript:alert(1)"},
        {"name_latin": "Zqcontrol\x1b[31m"},
        {"name_latin": "Zqfuture", "last_contact_on": f"{timezone.localdate().year + 1}"},
        {"name_latin": "Zqbad Ref", "reference": "not a slug!"},
    ]
    answer = client.get(upload(client, csv_bytes(rows))["Location"])
    text = page_text(answer)

    assert "1 row is ready to import." in text
    assert "8 rows have problems and will be left out." in text
    for message in (
        "status “jailed” is not one of: camp, detained, sentenced",
        "Give a name in at least one script, or unnamed_description for a person not named.",
        "detained_on “March 2018” is not a past date like 2018-01-22, 2018-08 or 2017.",
        "birth_year “18” is not a year.",
        "family_country “Atlantis” is not a country or its code.",
        "language “xx” is not one of:",
        "source_url “javascript:alert(1)” is not a web address.",
        "A source needs both source_publisher and source_title.",
        "name_latin holds invisible control characters.",
        "last_contact_on",
        "reference may hold only letters, digits, hyphens and underscores.",
    ):
        assert message in text, message

    client.post(reverse("organisers:case_import_confirm", kwargs={"pk": CaseImport.objects.get().pk}))
    assert list(Case.objects.values_list("names__text", flat=True)) == ["Zqgood Row"]
    assert AuditEntry.objects.get(action=audit_actions.CASE_IMPORT).details["skipped"] == 8


def test_rows_that_look_like_people_here_are_shown_and_left_out_unless_ticked(client, editor):
    known = public_case(name="Kali Maolai", reference="kali-maolai")
    hidden = draft_case(name="Zqdraft Person", reference="zq-draft")
    holder = draft_case(reference="entry-holder")
    CaseIdentifier.objects.create(case=holder, database="xjvictims", number="77")
    rows = [
        {"name_latin": "MAOLAI Kali"},  # another word order and case
        {"name_latin": "Zqdraft Person"},
        {"name_latin": "Zqdraft Person", "name_cyrillic": "Другой"},  # repeats line 3 too
        {"name_latin": "Someone Else", "other_database": "xjvictims", "other_database_entry": "77"},
        {"name_latin": "Zqnew Person"},
    ]
    preview_url = upload(client, csv_bytes(rows))["Location"]
    text = page_text(client.get(preview_url))

    assert "3 rows look like people already here." in text
    assert f"Kali Maolai ({known.reference}, Public)" in text
    assert f"Zqdraft Person ({hidden.reference}, Draft: being written)" in text
    assert "The same name as line 3 of this file" in text
    assert "This entry of xjvictims is already case “entry-holder”: this row is that person." in text

    pk = CaseImport.objects.get().pk
    client.post(reverse("organisers:case_import_confirm", kwargs={"pk": pk}), {"include": ["3", "x", "99999"]})

    created = set(Case.objects.exclude(pk__in=[known.pk, hidden.pk, holder.pk]).values_list("names__text", flat=True))
    assert created == {"Zqdraft Person", "Zqnew Person"}
    assert CaseName.objects.filter(text="Zqdraft Person").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name_latin\nZqname\n".encode("utf-16"), "This file is saved as UTF-16."),
        ("name_latin\nAbdürehim\n".encode("cp1252"), "This file is not UTF-8 text (the first problem is on line 2)."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV text file."),
        (b"", "The submitted file is empty."),
        (b"name_latin,favourite_colour\nA,b\n", "Unknown columns: favourite_colour."),
        (b"status\ncamp\n", "The file needs at least one name column"),
        (b"name_latin\n", "The file has column names but no people."),
        (b'name_latin\n"unclosed\n', "cannot be read as CSV"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_what_to_do(client, editor, data, message):
    answer = upload(client, data)
    assert answer.status_code == 400
    assert message in page_text(answer)
    assert not CaseImport.objects.exists()


def test_more_than_5000_rows_are_refused_as_a_whole(client, editor):
    data = b"name_latin\n" + b"".join(b"Person %d\n" % number for number in range(5_001))
    answer = upload(client, data)
    assert "This file has more than 5,000 people. Import at most 5,000 at a time: split the file." in page_text(answer)
    assert not CaseImport.objects.exists()


def test_5000_rows_are_checked_and_imported_in_bulk(client, editor, django_assert_max_num_queries):
    data = b"name_latin,status\n" + b"".join(b"Person Number%d,camp\n" % number for number in range(5_000))
    with django_assert_max_num_queries(60):
        answer = upload(client, data)
    assert answer.status_code == 302
    with django_assert_max_num_queries(60):
        client.post(reverse("organisers:case_import_confirm", kwargs={"pk": CaseImport.objects.get().pk}))
    assert Case.objects.filter(visibility=Visibility.DRAFT).count() == 5_000
    assert Case.objects.filter(reference="person-number4999").exists()


def test_a_huge_file_is_refused_without_being_kept(client, editor, settings):
    answer = upload(client, b"name_latin\n" + b"A" * (csv_import.MAX_BYTES + 10))
    assert answer.status_code == 400
    assert "This file is larger than 5 MB." in page_text(answer)
    assert not CaseImport.objects.exists()


def test_someone_elses_or_an_expired_upload_cannot_be_seen_or_confirmed(client, editor):
    upload(client, csv_bytes(ROWS[:1]))
    kept = CaseImport.objects.get()
    client.force_login(case_editor("bilal"))
    assert client.get(reverse("organisers:case_import_preview", kwargs={"pk": kept.pk})).status_code == 404
    assert client.post(reverse("organisers:case_import_confirm", kwargs={"pk": kept.pk})).status_code == 404
    client.force_login(editor)
    CaseImport.objects.update(uploaded_at=timezone.now() - CaseImport.KEPT_FOR - datetime.timedelta(minutes=1))
    assert client.post(reverse("organisers:case_import_confirm", kwargs={"pk": kept.pk})).status_code == 404
    assert not Case.objects.exists()


def test_discarding_forgets_the_upload(client, editor):
    upload(client, csv_bytes(ROWS[:1]))
    kept = CaseImport.objects.get()
    client.post(reverse("organisers:case_import_discard", kwargs={"pk": kept.pk}))
    assert not CaseImport.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["case_import", "case_import_template", "case_export"],
)
@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_only_case_editors_reach_the_import_pages(client, name, who):
    if who == "organiser":
        client.force_login(organiser_user("owner"))
    answer = client.get(reverse(f"organisers:{name}"))
    assert answer.status_code == (302 if who == "anonymous" else 403)


def test_the_template_reads_back_as_one_example_person(client, editor):
    template = b"".join(client.get(reverse("organisers:case_import_template")).streaming_content)
    rows = csv_import.read_upload(template)
    assert [row.errors for row in rows] == [[]]
    assert rows[0].values["names"][0][0] == "Example Person"


def test_the_export_reads_back_the_same_and_defuses_formulas(client, editor):
    person = draft_case(name='=HYPERLINK("http://evil")', reference="zq-formula", status="sentenced")
    person.summary, person.internal_notes = "+cmd|' /C calc'!A0", "@SUM(1)"
    person.save()
    Event.objects.create(case=person, kind=Event.Kind.DETAINED, date=datetime.date(2017, 1, 1), date_precision="year")
    person.sources.add(Source.objects.create(publisher="RFA", title="-report", url="https://example.org/r"))
    CaseIdentifier.objects.create(case=person, database="uhrp", number="12")

    answer = client.get(reverse("organisers:case_export"))
    data = b"".join(answer.streaming_content)

    assert answer["Cache-Control"] == "no-store"
    text = data.decode("utf-8-sig")
    for cell in ("'=HYPERLINK", "'+cmd", "'@SUM", "'-report"):
        assert cell in text
    assert AuditEntry.objects.filter(action=audit_actions.CASE_EXPORT, actor=editor).exists()
    # Read back (the reference now taken, so that row is refused as a clash, not re-created).
    (row,) = csv_import.read_upload(data)
    assert row.values["names"][0][0] == '=HYPERLINK("http://evil")'
    assert row.values["summary"] == "+cmd|' /C calc'!A0"
    assert row.values["detained_on"] == ["2017-01-01", "year"]
    assert row.values["identifier"]["database"] == "uhrp"
    assert row.values["source"]["title"] == "-report"
    assert "The reference “zq-formula” is already a case's." in row.errors
    assert "This entry of uhrp is already case “zq-formula”: this row is that person." in row.errors


def test_semicolon_separated_files_from_european_spreadsheets_are_read(client, editor):
    upload(client, b"name_latin;status\nZqsemi Colon;camp\n")
    assert CaseImport.objects.get().rows[0]["values"]["names"][0][0] == "Zqsemi Colon"
