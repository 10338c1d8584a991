"""Paper signatures, deliveries, responses, the delivery pack and sign-up
sheets, through the organisers' and the public pages."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from core import encryption
from petitions import audit_actions
from petitions.models import Delivery, OfficialResponse, PaperBatch, Petition, PetitionUpdate
from petitions.paper import paper_batch_delete
from tests.conftest import page_text
from tests.organisers.factories import (
    confirmed_signature,
    draft_petition,
    moderator_of,
    open_petition,
    owner_of,
    public_signature,
)
from tests.petitions.test_uploads import PDF_BYTES, jpeg_with_location

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PLEA_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def campaign(client):
    petition = open_petition(title="Free the Almaty relatives", addressed_to="The Embassy")
    Petition.objects.filter(pk=petition.pk).update(opened_at=timezone.now() - datetime.timedelta(days=30))
    petition.refresh_from_db()
    owner = owner_of(petition, "aigerim")
    client.force_login(owner)
    return petition


def url(name, petition, **kwargs):
    return reverse(f"organisers:{name}", kwargs={"slug": petition.slug, **kwargs})


def batch_form(**changes):
    return {
        "count": "80",
        "gathered_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
        "place": "Friday vigil, Istanbul",
        "collected_by": "Aigerim",
        "note": "Three sheets",
        **changes,
    }


def test_an_owner_records_a_batch_with_a_scan_and_the_public_page_shows_the_figures(client, campaign):
    confirmed_signature(campaign)
    scan = SimpleUploadedFile("sheets.pdf", PDF_BYTES, content_type="application/pdf")

    response = client.post(url("paper", campaign), batch_form(document=scan))

    assert response.status_code == 302
    batch = PaperBatch.objects.get()
    assert batch.document_type == "application/pdf"
    stored = Path(batch.document.path)
    assert encryption.unseal_bytes(stored.read_bytes()) == PDF_BYTES
    assert len(batch.document_pages) == 2
    assert str(settings.PLEA_PRIVATE_ROOT) in str(stored)
    assert not str(stored).startswith(str(settings.BASE_DIR / "static"))
    text = page_text(client.get(campaign.get_absolute_url()))
    assert "1 has signed online · 80 on paper · 81 in all" in text
    assert "81 have signed. Let's get to 100!" in text
    assert "sheets.pdf" not in text and batch.document.name not in text


def test_the_scan_opens_for_owners_and_staff_only_and_each_opening_is_audited(client, campaign):
    client.post(url("paper", campaign), batch_form(document=SimpleUploadedFile("s.jpg", jpeg_with_location())))
    batch = PaperBatch.objects.get()
    scan_url = url("paper_scan", campaign, pk=batch.pk)

    response = client.get(scan_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"SpyCam" not in b"".join(response.streaming_content)
    assert AuditEntry.objects.filter(action=audit_actions.PAPER_SCAN, target_id=str(batch.pk)).count() == 1

    client.force_login(moderator_of(campaign))
    assert client.get(scan_url).status_code == 403
    client.force_login(owner_of(open_petition()))
    assert client.get(scan_url).status_code == 404
    client.logout()
    assert client.get(scan_url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": "-5"}, "at least one signature"),
        ({"count": "0"}, "at least one signature"),
        ({"count": "10000001"}, "at most 10,000,000 signatures"),
        ({"count": "lots"}, "Enter a whole number"),
        ({"gathered_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"gathered_on": (TODAY - datetime.timedelta(days=90)).isoformat()}, "before the petition opened"),
        ({"gathered_on": "31/02/2026"}, "Enter a valid date"),
        ({"place": ""}, "This field is required"),
        ({"document": SimpleUploadedFile("sheets.pdf", b"not a pdf at all")}, "PDF documents only"),
        ({"document": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))}, "larger than 20 MB"),
    ],
    ids=["negative", "zero", "absurd", "not-a-number", "future", "before-opening", "bad-date", "no-place",
         "not-pdf", "too-big"],
)  # fmt: skip
def test_bad_batches_are_refused_with_a_clear_message_and_nothing_stored(client, campaign, changes, message):
    response = client.post(url("paper", campaign), batch_form(**changes))

    assert response.status_code == 400
    assert message in page_text(response)
    campaign.refresh_from_db()
    assert (PaperBatch.objects.count(), campaign.paper_signature_count) == (0, 0)
    assert not list(Path(settings.PLEA_PRIVATE_ROOT).rglob("*.*"))


def test_an_owner_edits_then_deletes_a_batch_with_reasons(client, campaign):
    client.post(url("paper", campaign), batch_form())
    batch = PaperBatch.objects.get()

    refused = client.post(url("paper_edit", campaign, pk=batch.pk), batch_form(count="95", reason=""))
    assert refused.status_code == 400
    assert "This field is required" in page_text(refused)
    client.post(url("paper_edit", campaign, pk=batch.pk), batch_form(count="95", reason="One sheet was missed"))
    campaign.refresh_from_db()
    assert campaign.paper_signature_count == 95
    entry = AuditEntry.objects.get(action=audit_actions.PAPER_EDIT)
    assert (entry.details["before"]["count"], entry.details["after"]["count"], entry.reason) == (
        80,
        95,
        "One sheet was missed",
    )

    client.post(url("paper_delete", campaign, pk=batch.pk), {"reason": ""})
    assert PaperBatch.objects.exists()
    client.post(url("paper_delete", campaign, pk=batch.pk), {"reason": "Counted twice"})
    campaign.refresh_from_db()
    assert not PaperBatch.objects.exists() and campaign.paper_signature_count == 0
    audit_page = page_text(client.get(url("audit", campaign)))
    assert "Deleted a batch of paper signatures" in audit_page and "Counted twice" in audit_page


def test_a_batch_of_another_petition_cannot_be_changed_from_this_one(client, campaign):
    other = open_petition()
    other_owner = owner_of(other)
    from petitions.paper import paper_batch_record

    foreign = paper_batch_record(
        by=other_owner, petition=other, count=5, gathered_on=TODAY, place="x", collected_by="y"
    )

    response = client.post(url("paper_delete", campaign, pk=foreign.pk), {"reason": "mine now"}, follow=True)
    assert "That batch does not belong to this petition. Nothing was changed." in page_text(response)
    response = client.post(url("paper_edit", campaign, pk=foreign.pk), batch_form(reason="x"), follow=True)
    assert "does not belong to this petition" in page_text(response)
    assert client.get(url("paper_edit", campaign, pk=foreign.pk)).status_code == 404
    assert client.get(url("paper_scan", campaign, pk=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    other.refresh_from_db()
    assert (foreign.count, other.paper_signature_count) == (5, 5)


def test_a_moderator_can_record_nothing(client, campaign):
    client.force_login(moderator_of(campaign))
    assert client.post(url("paper", campaign), batch_form()).status_code == 403
    assert client.post(url("delivery_create", campaign), delivery_form()).status_code == 403
    assert client.post(url("response_create", campaign), response_form()).status_code == 403
    assert not (PaperBatch.objects.exists() or Delivery.objects.exists() or OfficialResponse.objects.exists())


# --- Deliveries and responses ------------------------------------------------------


def delivery_form(**changes):
    return {
        "addressee": "Ambassador Li",
        "institution": "Embassy in Ankara",
        "delivered_on": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "method": "in_person",
        "note": "Handed over at the gate.",
        **changes,
    }


def response_form(**changes):
    return {
        "responder": "The Ministry",
        "responded_on": TODAY.isoformat(),
        "summary": "They say the case is under review.",
        "link": "https://example.org/letter",
        "comment": "Not good enough.",
        **changes,
    }


def test_a_delivery_freezes_the_counts_and_shows_on_the_timeline_while_waiting_for_an_answer(client, campaign):
    confirmed_signature(campaign)
    client.post(url("paper", campaign), batch_form(count="12"))
    photo = SimpleUploadedFile("gate.jpg", jpeg_with_location())

    assert client.post(url("delivery_create", campaign), delivery_form(document=photo)).status_code == 302
    confirmed_signature(campaign)

    delivery = Delivery.objects.get()
    assert (delivery.online_count, delivery.paper_count) == (1, 12)
    text = page_text(client.get(campaign.get_absolute_url()))
    assert "Delivered to Ambassador Li, Embassy in Ankara" in text
    assert "13 signatures (1 online, 12 on paper)" in text
    assert "No response yet, 3 days after delivery." in text
    photo_url = reverse("petitions:delivery_file", kwargs={"slug": campaign.slug, "pk": delivery.pk})
    client.logout()
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert AuditEntry.objects.filter(action=audit_actions.DELIVERY_RECORD).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"delivered_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"delivered_on": "2001-01-01"}, "before the petition opened"),
        ({"method": "pigeon"}, "Select a valid choice"),
        ({"addressee": ""}, "This field is required"),
        ({"document": SimpleUploadedFile("x.png", b"MZ\x90\x00 an executable")}, "PDF documents only"),
    ],
)
def test_bad_deliveries_are_refused_and_nothing_stored(client, campaign, changes, message):
    response = client.post(url("delivery_create", campaign), delivery_form(**changes))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Delivery.objects.exists()


def test_a_response_shows_prominently_and_is_mailed_to_signers_who_asked_for_updates(client, campaign, send_on_commit):
    fan = confirmed_signature(campaign, wants_updates=True, email="fan@example.org")
    confirmed_signature(campaign, wants_updates=False, email="quiet@example.org")
    client.post(url("delivery_create", campaign), delivery_form())

    response = send_on_commit(lambda: client.post(url("response_create", campaign), response_form()))

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["fan@example.org"]
    assert "Response from The Ministry" in message.subject
    assert "They say the case is under review." in message.body
    assert "/signatures/unsubscribe/" in message.body and "List-Unsubscribe" in message.extra_headers
    record = OfficialResponse.objects.get()
    assert record.announcement.mailed_count == 1
    text = page_text(client.get(campaign.get_absolute_url()))
    assert "The response Response from The Ministry" in text
    assert "They say the case is under review." in text and "Not good enough." in text
    assert "No response yet" not in text
    assert fan.email not in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"responded_on": (TODAY + datetime.timedelta(days=5)).isoformat()}, "cannot be in the future"),
        ({"summary": ""}, "This field is required"),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"document": SimpleUploadedFile("letter.pdf", b"<svg onload=alert(1)>")}, "PDF documents only"),
    ],
)
def test_bad_responses_are_refused_nothing_stored_nobody_mailed(client, campaign, send_on_commit, changes, message):
    confirmed_signature(campaign, wants_updates=True)
    response = send_on_commit(lambda: client.post(url("response_create", campaign), response_form(**changes)))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not OfficialResponse.objects.exists() and not PetitionUpdate.objects.exists()
    assert mail.outbox == []


def test_the_victory_links_to_the_response_that_marks_the_win(client, campaign):
    client.post(url("response_create", campaign), response_form(summary="Released on bail."))
    record = OfficialResponse.objects.get()
    client.post(url("petition_victory", campaign), {"note": "They are home."})

    client.post(url("victory_link", campaign), {"marks": f"response-{record.pk}"})

    campaign.refresh_from_db()
    assert campaign.victory_response == record
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert f'href="#response-{record.pk}"' in body and f'id="response-{record.pk}"' in body
    assert "Read the response that marks the win" in page_text(client.get(campaign.get_absolute_url()))


@pytest.mark.parametrize("marks", ["response-²", "response-99999999999999999999999", "update-", "case-1", "response-0"])
def test_a_victory_link_to_nothing_is_refused_with_a_message(client, campaign, marks):
    client.post(url("petition_victory", campaign), {"note": "Won"})
    response = client.post(url("victory_link", campaign), {"marks": marks}, follow=True)
    assert "Choose a response or an update of this petition. Nothing was changed." in page_text(response)


def test_a_response_of_another_petition_cannot_mark_this_victory(client, campaign):
    other = open_petition()
    from petitions.delivery import response_record

    foreign = response_record(
        by=owner_of(other), petition=other, responder="X", responded_on=TODAY, summary="Other petition"
    )
    client.post(url("petition_victory", campaign), {"note": "Won"})

    response = client.post(url("victory_link", campaign), {"marks": f"response-{foreign.pk}"}, follow=True)

    assert "belongs to another petition" in page_text(response)
    campaign.refresh_from_db()
    assert campaign.victory_response is None


# --- Printed matter -------------------------------------------------------------------


def test_the_delivery_pack_names_only_those_who_chose_it_and_is_audited(client, campaign):
    public_signature(campaign, full_name="Gulnar Public", reason="For my uncle", country="KZ")
    confirmed_signature(campaign, full_name="Zq Private", email="zq@example.org", ip_hash="f" * 64, country="TR")
    confirmed_signature(campaign, full_name="Zq Private Two", country="TR")
    client.post(url("paper", campaign), batch_form(count="40"))

    response = client.get(url("delivery_pack", campaign))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = page_text(response)
    assert "Gulnar Public" in text and "For my uncle" in text
    assert "Zq Private" not in text and "zq@example.org" not in text and "f" * 64 not in text
    assert "@" not in text
    assert "And 2 people who asked not to be named." in text
    assert "And 40 signatures on paper." in text
    assert "Turkey 2" in text or "Türkiye 2" in text
    assert "The Embassy" in text
    entry = AuditEntry.objects.get(action=audit_actions.DELIVERY_PACK)
    assert entry.details == {"online": 3, "paper": 40, "named": 1}


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl")])
def test_a_sign_up_sheet_in_each_language_with_a_qr_code(client, campaign, language, direction):
    client.logout()
    response = client.get(f"/{language}/petitions/{campaign.slug}/sign-up-sheet/")

    body = response.content.decode()
    assert response.status_code == 200
    assert f'dir="{direction}"' in body
    assert re.search(r'<svg [^>]*class="qr-code"', body)
    assert "Free the Almaty relatives" in body
    assert body.count('<td class="num">') == 16
    assert f"/{language}/petitions/{campaign.slug}/" in body  # the QR code's address, in that language
    assert "print.css" in body


def test_no_sign_up_sheet_for_a_draft(client):
    draft = draft_petition()
    assert client.get(f"/en/petitions/{draft.slug}/sign-up-sheet/").status_code == 404


def test_the_sign_up_sheet_and_pack_are_linked_from_the_organiser_pages(client, campaign):
    text = client.get(url("deliveries", campaign)).content.decode()
    assert url("delivery_pack", campaign) in text
    assert f"/ur/petitions/{campaign.slug}/sign-up-sheet/" in text
    manage = client.get(url("petition", campaign)).content.decode()
    assert url("paper", campaign) in manage and url("deliveries", campaign) in manage


def test_the_petition_page_reads_deliveries_and_responses_in_a_fixed_number_of_queries(
    client, campaign, django_assert_max_num_queries
):
    from petitions.delivery import delivery_record, response_record

    owner = campaign.organisers.first()
    for n in range(5):
        delivery_record(
            by=owner, petition=campaign, addressee=f"A{n}", institution="", delivered_on=TODAY, method="post"
        )
        response_record(by=owner, petition=campaign, responder=f"R{n}", responded_on=TODAY, summary="S")
    client.logout()
    # Two more, the tally by day and by country, only once every few minutes.
    with django_assert_max_num_queries(10):
        response = client.get(campaign.get_absolute_url())
    assert "Response from R4" in page_text(response)


def test_a_scanned_pdf_is_shown_to_owners_as_its_pages_and_the_original_only_unsealed_on_request(client, campaign):
    client.post(url("paper", campaign), batch_form(document=SimpleUploadedFile("sheets.pdf", PDF_BYTES)))
    batch = PaperBatch.objects.get()

    response = client.get(url("paper_scan", campaign, pk=batch.pk))
    assert response.status_code == 200 and "Page 2 of 2" in page_text(response)
    assert response["Cache-Control"] == "private, no-store"
    page = client.get(url("paper_scan_page", campaign, pk=batch.pk, number=1))
    assert page["Content-Type"] == "image/webp" and page["Cache-Control"] == "private, no-store"
    original = client.get(url("paper_scan_original", campaign, pk=batch.pk))
    assert original.content == PDF_BYTES and original["Content-Disposition"].startswith("attachment")
    readings = AuditEntry.objects.filter(action=audit_actions.PAPER_SCAN, target_id=str(batch.pk))
    assert [entry.details for entry in readings.order_by("pk")] == [{}, {"original_pdf": True}]


def test_replacing_or_deleting_a_scanned_pdf_deletes_its_pages(client, campaign):
    client.post(url("paper", campaign), batch_form(document=SimpleUploadedFile("sheets.pdf", PDF_BYTES)))
    batch = PaperBatch.objects.get()
    storage = batch.document.storage
    first = [batch.document.name, *(page["name"] for page in batch.document_pages)]
    assert len(first) == 3 and all(storage.exists(name) for name in first)

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        paper_batch_delete(by=owner_of(campaign), batch=batch, reason="Counted twice")

    assert not any(storage.exists(name) for name in first)


def test_a_delivered_letter_in_pdf_is_public_only_as_pictures_of_its_pages(client, campaign):
    letter = SimpleUploadedFile("letter.pdf", PDF_BYTES)
    assert client.post(url("delivery_create", campaign), delivery_form(document=letter)).status_code == 302
    delivery = Delivery.objects.get()
    client.logout()

    kwargs = {"slug": campaign.slug, "pk": delivery.pk}
    response = client.get(reverse("petitions:delivery_file", kwargs=kwargs))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Page 1 of 2" in page_text(response) and "original" not in page_text(response)
    page = client.get(reverse("petitions:delivery_file_page", kwargs={**kwargs, "number": 2}))
    assert page.status_code == 200 and page["Content-Type"] == "image/webp"
    assert page["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"%PDF" not in b"".join(page.streaming_content)
    assert client.get(reverse("petitions:delivery_file_page", kwargs={**kwargs, "number": 3})).status_code == 404
