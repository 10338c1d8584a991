"""The public forms families use: "Tell us about someone" and "Request a
correction or removal". What they send is kept sealed and private, bots and
floods are refused, and a family never loses what it typed."""

import io
import re
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from cases.models import Submission, SubmissionFile
from core import form_clock
from tests.cases.factories import draft_case, public_case
from tests.cases.intake_factories import PDF_BYTES, jpeg_with_gps
from tests.conftest import page_text, rate_limit_rules
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db

URL = "/en/cases/tell-us/"


def started(scope: str = "intake", seconds_ago: float = 60) -> str:
    return form_clock.started_token(scope=scope, at=time.time() - seconds_ago)


def intake_form(**overrides) -> dict:
    data = {
        "name_latin": "Mihrigul Tursun",
        "name_arabic": "مىھرىگۈل تۇرسۇن",
        "name_cyrillic": "",
        "name_chinese": "",
        "relationship": "sibling",
        "hometown": "Cherchen",
        "identifier_database": "",
        "identifier_database_name": "",
        "identifier": "",
        "detained_year": "2018",
        "detained_month": "4",
        "last_contact_year": "2019",
        "last_contact_month": "",
        "account": "Taken from her home at night.\r\nWe have heard nothing since.",
        "publication": "named",
        "contact_name": "Zulhumar",
        "contact_email": "zulhumar@example.org",
        "contact_other": "+90 555 123 4567",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


def test_the_form_is_linked_from_the_people_pages_and_petition_pages(client, petition):
    case = public_case()
    petition.cases.add(case)
    for url in ("/en/cases/", case.get_absolute_url(), petition.get_absolute_url()):
        assert URL in client.get(url).content.decode(), url


def test_the_form_asks_everything_the_family_knows_and_sets_no_cookie(client):
    response = client.get(URL)
    assert response.status_code == 200
    text = page_text(response)
    for label in ("Name in Latin letters", "Name in Arabic script", "Name in Cyrillic", "Name in Chinese characters",
                  "You are their", "Hometown", "What happened, and when?", "last contact", "What may we publish?",
                  "An anonymous summary", "with a photo", "Photos or documents", "How to reach you (optional)",
                  "Only Plea's case editors"):  # fmt: skip
        assert label in text, label
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_a_submission_is_kept_with_its_files_and_the_thank_you_page_promises_nothing_more(client):
    pdf = SimpleUploadedFile("statement.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(URL, {**intake_form(), "files": [jpeg("Mihrigul at home.jpg"), pdf]})

    assert response.status_code == 302 and response["Location"] == "/en/cases/tell-us/sent/"
    submission = Submission.objects.get()
    assert (submission.kind, submission.state, submission.urgent) == ("case", "new", False)
    assert submission.names == [("latin", "Mihrigul Tursun"), ("arabic", "مىھرىگۈل تۇرسۇن")]
    assert (submission.detained_year, submission.detained_month, submission.last_contact_year) == (2018, 4, 2019)
    assert submission.account == "Taken from her home at night.\nWe have heard nothing since."
    assert submission.contact_email == "zulhumar@example.org" and submission.publication == "named"
    assert submission.language == "en" and len(submission.ip_hash) == 64
    photo, document = submission.files.order_by("pk")
    assert (photo.content_type, document.content_type) == ("image/webp", "application/pdf")
    assert "Mihrigul" not in photo.file.name and "statement" not in document.file.name
    with document.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    with photo.file.open("rb") as handle:
        data = handle.read()
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "WEBP" and not picture.getexif() and b"PhoneMaker" not in data
    assert (photo.width, photo.height) == picture.size == (640, 480)

    thanks = page_text(client.get(response["Location"]))
    assert "What happens next" in thanks and "cannot promise" in thanks


def test_a_raw_select_shows_no_plain_text_of_the_account_or_the_contact(client):
    client.post(URL, intake_form())
    table = Submission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT account, contact_name, contact_email, contact_other, name_latin FROM {table}")
        account, name, email, other, latin = cursor.fetchone()
    for sealed, plain in ((account, "Taken from her home"), (name, "Zulhumar"), (email, "zulhumar@"), (other, "555")):
        assert sealed.startswith("gAAAAA") and plain not in sealed
    assert latin == "Mihrigul Tursun"  # names stay searchable for duplicates


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name_latin": "", "name_arabic": ""}, "Give the person's name in at least one script."),
        ({"account": ""}, "This field is required."),
        ({"publication": ""}, "This field is required."),
        ({"detained_year": "", "detained_month": "4"}, "Give the year too, or leave the month empty."),
        ({"detained_year": "1850"}, "greater than or equal to 1990"),
        ({"contact_email": "not an address"}, "Enter a valid email address."),
        ({"hometown": "Cher\x00chen"}, ""),
        ({"identifier": "1234"}, "Choose the database this entry is in."),
        ({"identifier_database": "xjvictims"}, "Give the entry's number or web address"),
        ({"identifier_database": "other", "identifier": "12"}, "Name the database."),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_typed_is_lost(client, change, error):
    data = intake_form(**change)
    response = client.post(URL, {**data, "files": [jpeg()]})

    assert response.status_code == 400
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()
    text = page_text(response)
    assert "Please correct the following" in text and error in text
    body = response.content.decode()
    assert "Taken from her home at night." in body or change.get("account") == ""
    assert "zulhumar@example.org" in body or "contact_email" in change
    assert "the files you chose were not: please choose them again" in text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"just text"), "Send photos (JPEG, PNG, WebP or GIF) or PDF documents only."),
        (SimpleUploadedFile("fake.jpg", b"\xff\xd8\xff\xe0 not really"), "Send photos"),
        (SimpleUploadedFile("page.html", b"<html><script>alert(1)</script>"), "Send photos"),
    ],
)
def test_files_that_are_not_photos_or_pdfs_are_refused_by_content(client, upload, message):
    response = client.post(URL, {**intake_form(), "files": [upload]})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Submission.objects.exists()
    assert "Taken from her home at night." in response.content.decode()


def test_a_decompression_bomb_is_refused(client):
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")  # 81 megapixels in a few kilobytes
    response = client.post(URL, {**intake_form(), "files": [SimpleUploadedFile("bomb.png", out.getvalue())]})
    assert response.status_code == 400
    assert "larger than 40 megapixels" in page_text(response)
    assert not Submission.objects.exists()


def test_at_most_five_files(client):
    response = client.post(URL, {**intake_form(), "files": [jpeg(f"{n}.jpg") for n in range(6)]})
    assert response.status_code == 400
    assert "Send at most five photos or documents." in page_text(response)
    assert not Submission.objects.exists()


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(client):
    response = client.post(URL, intake_form(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("/tell-us/sent/")
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda: started(seconds_ago=0), "quicker than a person"),
        (lambda: started(seconds_ago=2 * 3600 + 5), "This form had expired"),
        (lambda: started(scope="request:someone"), "This form had expired"),
        (lambda: "forged", "This form had expired"),
    ],
)
def test_the_form_clock_refuses_scripts_and_keeps_the_text(client, token, message):
    response = client.post(URL, intake_form(started=token()))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Submission.objects.exists()
    assert "Taken from her home at night." in response.content.decode()


def test_a_cross_site_post_is_refused(client):
    response = client.post(URL, intake_form(), HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_a_flood_from_one_network_is_limited_and_the_text_kept(client, settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(intake=[(2, 600)])
    for _ in range(2):
        assert client.post(URL, intake_form()).status_code == 302
    response = client.post(URL, intake_form(), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    assert "Too many messages have come from your network" in page_text(response)
    assert "Taken from her home at night." in response.content.decode()
    assert Submission.objects.count() == 2


def test_addresses_of_one_ipv6_network_are_limited_as_one(client, settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(intake=[(2, 600)])
    statuses = [client.post(URL, intake_form(), REMOTE_ADDR=f"2001:db8:4:4::{n}").status_code for n in (1, 2, 3)]
    assert statuses == [302, 302, 429]
    assert client.post(URL, intake_form(), REMOTE_ADDR="2001:db8:4:5::1").status_code == 302


def test_both_forms_carry_the_hidden_honeypot_and_start_time(client):
    for url in (URL, request_url(public_case())):
        body = client.get(url).content.decode()
        assert re.search(r'class="plea-hp"\s+aria-hidden="true"', body), url
        assert 'name="website"' in body and 'name="started"' in body, url


# --- Corrections and removal requests ---------------------------------------


def request_url(case) -> str:
    return reverse("cases:request", kwargs={"reference": case.reference})


def request_form(case, **overrides) -> dict:
    data = {
        "kind": "removal",
        "contact_name": "Aibek",
        "relationship": "child",
        "account": "My father asked us to take his page down.",
        "contact_email": "aibek@example.org",
        "contact_other": "",
        "website": "",
        "started": started(scope=f"request:{case.reference}"),
    }
    data.update(overrides)
    return data


def test_every_public_case_page_offers_the_request_form(client):
    case = public_case()
    page = client.get(case.get_absolute_url()).content.decode()
    assert request_url(case) in page and "Request a correction or removal" in page
    form = client.get(request_url(case))
    assert form.status_code == 200
    assert "Who is asking" in page_text(form) and not form.cookies


def test_no_request_form_for_a_case_that_is_not_public(client):
    assert client.get(request_url(draft_case())).status_code == 404


def test_a_removal_request_is_urgent_and_mails_case_editors_only_a_link(client, django_capture_on_commit_callbacks):
    case = public_case(summary="Her story.")
    editor = case_editor("editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(case), request_form(case))

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:request_sent", kwargs={"reference": case.reference})
    submission = Submission.objects.get()
    assert (submission.kind, submission.urgent, submission.case) == ("removal", True, case)
    assert submission.contact_name == "Aibek"
    (message,) = mail.outbox
    assert message.to == [editor.email]
    assert "Urgent" in message.subject
    assert f"/organisers/intake/{submission.pk}/" in message.body
    for private in ("Aibek", "aibek@example.org", "take his page down", case.display_name):
        assert private not in message.body and private not in message.subject
    # A request alone changes nothing public.
    case.refresh_from_db()
    assert case.visibility == "public" and client.get(case.get_absolute_url()).status_code == 200


def test_a_correction_waits_in_the_queue_without_mail(client, django_capture_on_commit_callbacks):
    case = public_case()
    case_editor("editor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(request_url(case), request_form(case, kind="correction", account="Her name is misspelt."))
    submission = Submission.objects.get()
    assert (submission.kind, submission.urgent) == ("correction", False)
    assert mail.outbox == []


def test_a_request_needs_who_asks_and_why(client):
    case = public_case()
    response = client.post(request_url(case), request_form(case, contact_name="", account=""))
    assert response.status_code == 400
    assert not Submission.objects.exists()
    assert "aibek@example.org" in response.content.decode()


def test_a_request_form_of_another_case_is_not_accepted(client):
    case, other = public_case(), public_case()
    response = client.post(request_url(case), request_form(case, started=started(scope=f"request:{other.reference}")))
    assert response.status_code == 400
    assert not Submission.objects.exists()
