import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from petitions import transparency
from tests.e2e.test_signing_journey import fill_and_sign
from tests.petitions.factories import open_petition
from tests.petitions.mailbox import confirm_link

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_signer_confirms_keeps_the_receipt_and_verifies_it_in_the_log(
    page, live_server, screenshot, foreign_requests
):
    petition = open_petition(title="Free the wives of Gilgit-Baltistan's traders")
    foreign = foreign_requests(page, live_server.url)
    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    fill_and_sign(page)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(live_server.url + confirm_link(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my signature").click()

    expect(page.get_by_role("heading", name="Your receipt")).to_be_visible()
    code = page.get_by_label("Receipt code").input_value()
    assert re.fullmatch(rf"{petition.pk}-[A-Za-z0-9_-]{{43}}", code)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt").click()
    kept = download.value.path().read_text()
    assert code in kept
    screenshot(page, "receipt")
    assert all(code not in message.body for message in mail.outbox)

    transparency.make_checkpoint(petition_id=petition.pk)  # the batched job's next pass
    page.get_by_role("link", name="Check a receipt").click()
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Your signature is in the log, at line 0, and it is counted.")).to_be_visible()
    expect(page.get_by_text("The log counts 1 signature.")).to_be_visible()
    screenshot(page, "receipt-verified")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert foreign == []
