import csv
import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from petitions.models import Signature
from tests.organisers.factories import PASSWORD, confirmed_signature, open_petition, owner_of, public_signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(transactional_db):
    petition = open_petition(title="Free the Almaty relatives")
    account = owner_of(petition, "aigerim")
    account.set_password(PASSWORD)
    account.save()
    spam = public_signature(petition, full_name="Buy Cheap Watches", reason="http://spam.example")
    rude = public_signature(petition, full_name="Rude Commenter", reason="An insult")
    fan = confirmed_signature(petition, full_name="Kind Supporter", wants_updates=True, email="kind@example.org")
    petition.refresh_from_db()
    return {"petition": petition, "spam": spam, "rude": rude, "fan": fan}


def row(page, name: str):
    return page.get_by_role("row").filter(has_text=name)


def test_an_organiser_hides_invalidates_posts_an_update_and_downloads_the_csv(page, live_server, campaign, screenshot):
    petition = campaign["petition"]
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill("aigerim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=petition.title)).to_be_visible()
    screenshot(page, "dashboard-desktop-en")

    page.get_by_role("link", name=petition.title).click()
    page.get_by_role("link", name="Signatures").first.click()
    screenshot(page, "signatures-desktop-en")
    row(page, "Rude Commenter").get_by_role("button", name=re.compile(r"^Hide")).click()
    expect(page.get_by_role("status").or_(page.locator(".alert")).first).to_be_visible()
    row(page, "Buy Cheap Watches").get_by_role("button", name=re.compile(r"^Spam")).click()

    assert Signature.objects.get(pk=campaign["rude"].pk).hidden
    assert Signature.objects.get(pk=campaign["spam"].pk).state == Signature.State.INVALIDATED
    petition.refresh_from_db()
    assert petition.signature_count == 2

    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("Title").fill("We delivered the petition")
    page.get_by_role("textbox", name=re.compile(r"^\s*Text")).fill("Handed to the consulate.")
    page.get_by_role("button", name=re.compile("Post")).click()
    expect(page.get_by_text("We delivered the petition").first).to_be_visible()
    assert [message.to for message in mail.outbox if "delivered" in message.subject] == [["kind@example.org"]]

    page.goto(f"{live_server.url}/en/organisers/petitions/{petition.slug}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Confirmed signatures, for delivery (CSV)").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    names = [cells[0] for cells in rows[1:]]
    assert "Buy Cheap Watches" not in names
    assert "Rude Commenter" not in names
    assert len(rows) - 1 == petition.signature_count

    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    expect(page.get_by_text("Rude Commenter")).to_have_count(0)
    expect(page.get_by_text("We delivered the petition")).to_be_visible()
