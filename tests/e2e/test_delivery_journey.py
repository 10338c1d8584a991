"""An owner's whole arc in the browser: paper signatures with a scan, the
public figures, sign-up sheets, a delivery, the delivery pack, a response
mailed to the signers who asked for updates. Screenshots of the printed
matter in English and Urdu land in tests/e2e/screenshots/."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from petitions.models import PaperBatch, Petition
from tests.core.upload_files import pdf_bytes
from tests.e2e.conftest import SCREENSHOTS
from tests.organisers.factories import PASSWORD, confirmed_signature, open_petition, owner_of, public_signature

pytestmark = pytest.mark.django_db(transaction=True)

PDF_BYTES = pdf_bytes()


@pytest.fixture
def campaign(transactional_db):
    petition = open_petition(
        title="Free the Almaty relatives",
        summary="Release the relatives of Kazakh citizens held in Xinjiang.",
        addressed_to="The Embassy of China in Astana",
    )
    Petition.objects.filter(pk=petition.pk).update(opened_at=timezone.now() - datetime.timedelta(days=20))
    account = owner_of(petition, "aigerim")
    account.set_password(PASSWORD)
    account.save()
    public_signature(petition, full_name="Gulnar Seitkali", reason="For my brother", country="KZ")
    confirmed_signature(petition, full_name="Hidden Person", wants_updates=True, email="fan@example.org")
    return Petition.objects.get(pk=petition.pk)


def printed(page, screenshot, assert_accessible, name: str) -> int:
    """Print the page to an A4 PDF beside the screenshots (first: axe's
    injected script must not change what prints), check it, screenshot it
    as printed; returns the number of printed pages."""
    pdf = page.pdf(path=str(SCREENSHOTS / f"{name}.pdf"), prefer_css_page_size=True, print_background=True)
    assert_accessible(page)
    page.emulate_media(media="print")
    screenshot(page, name)
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_an_owner_records_paper_delivers_prints_and_records_a_response(
    page, live_server, campaign, screenshot, assert_accessible
):
    petition = campaign
    base = live_server.url
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill("aigerim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=petition.title).click()

    # Paper signatures, with a scan of the sheets.
    page.get_by_role("link", name="Paper signatures").click()
    page.get_by_label("Number of signatures").fill("80")
    page.get_by_label("Gathered on").fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Where").fill("Friday vigil, Almaty")
    page.get_by_label("Collected by").fill("Aigerim")
    page.get_by_label("Scan of the sheets").set_input_files(
        files=[{"name": "sheets.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Record the batch").click()
    expect(page.get_by_text("80 paper signatures recorded.")).to_be_visible()
    assert PaperBatch.objects.get().document_type == "application/pdf"
    screenshot(page, "organiser-paper-desktop-en")

    page.goto(f"{base}{petition.get_absolute_url()}")
    # The sign card (the phone's summary above the story repeats it, hidden at this width).
    card = page.locator(".sign-card")
    expect(card.get_by_text("2 have signed online · 80 on paper · 82 in all")).to_be_visible()
    expect(card.get_by_text("82 have signed. Let's get to 100!")).to_be_visible()

    # Sign-up sheets, in English and Urdu.
    page.goto(f"{base}/en/organisers/petitions/{petition.slug}/deliveries/")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name=petition.title)).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert printed(page, screenshot, assert_accessible, "sign-up-sheet-print-en") == 1, "one A4 sheet"
    page.goto(f"{base}/ur/petitions/{petition.slug}/sign-up-sheet/")
    assert page.get_attribute("html", "dir") == "rtl"
    printed(page, screenshot, assert_accessible, "sign-up-sheet-print-ur")

    # A delivery.
    page.goto(f"{base}/en/organisers/petitions/{petition.slug}/deliveries/")
    page.get_by_label("To whom").fill("Ambassador")
    page.get_by_label("Institution").fill("Embassy of China in Astana")
    page.get_by_label("Delivered on").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("How").select_option("in_person")
    page.get_by_label("Public note").fill("Handed over at the gate with the families.")
    page.get_by_role("button", name="Record the delivery").click()
    expect(page.get_by_text("Delivery recorded.")).to_be_visible()

    # The delivery pack, in English and Urdu.
    page.get_by_role("link", name="The delivery pack").click()
    expect(page.get_by_text("Gulnar Seitkali")).to_be_visible()
    expect(page.get_by_text("And 1 person who asked not to be named.")).to_be_visible()
    expect(page.get_by_text("Hidden Person")).to_have_count(0)
    assert "fan@example.org" not in page.content()
    # A cover, the countries, the signers: each starts a page.
    assert printed(page, screenshot, assert_accessible, "delivery-pack-print-en") == 3
    page.goto(f"{base}/ur/organisers/petitions/{petition.slug}/delivery-pack/")
    assert page.get_attribute("html", "dir") == "rtl"
    printed(page, screenshot, assert_accessible, "delivery-pack-print-ur")

    page.goto(f"{base}{petition.get_absolute_url()}")
    expect(page.get_by_text("No response yet, 1 day after delivery.")).to_be_visible()

    # A response, emailed to the signer who asked for updates.
    page.goto(f"{base}/en/organisers/petitions/{petition.slug}/deliveries/")
    page.get_by_label("Who responded").fill("The Embassy")
    page.get_by_label("Responded on").fill(timezone.localdate().isoformat())
    page.get_by_label("Summary in our words").fill("The embassy says the cases are being reviewed.")
    page.get_by_label("The organisers' comment").fill("We will keep asking until they are home.")
    page.get_by_role("button", name=re.compile("Record the response")).click()
    expect(page.get_by_text("Response recorded.")).to_be_visible()
    assert [message.to for message in mail.outbox if "Response from" in message.subject] == [["fan@example.org"]]

    page.goto(f"{base}{petition.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Response from The Embassy").first).to_be_visible()
    expect(page.get_by_text("No response yet")).to_have_count(0)
    expect(page.get_by_text("Delivered to Ambassador, Embassy of China in Astana")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "petition-delivered-desktop-en")
