"""Two case editors on the case desk, in a browser without JavaScript and on
a phone: a family's submission becomes a draft, one editor writes the public
testimony and submits, the other reviews and publishes; a correction to the
public case waits for the second editor and then shows in the public
correction log."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from cases.models import Case
from tests.cases.intake_factories import new_case_submission
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(browser, live_server, account, *, phone: bool = False):
    """A browser context without JavaScript, signed in as `account` (the
    session cookie of a test client's forced login)."""
    client = Client()
    client.force_login(account)
    size = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(java_script_enabled=False, viewport=size)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "domain": host, "path": "/"}])
    return context.new_page()


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_two_editors_take_a_case_from_intake_to_a_public_correction(browser, live_server):
    alice, bilal = case_editor("alice"), case_editor("bilal")
    submission = new_case_submission(name_latin="Mihrigul Tursun", publication="named")
    first = sign_in(browser, live_server, alice)
    second = sign_in(browser, live_server, bilal, phone=True)

    # Intake → draft.
    first.goto(f"{live_server.url}/en/organisers/intake/{submission.pk}/")
    first.get_by_role("button", name="Create the draft case").click()
    case = Case.objects.get()
    # Edit: the public testimony, written by an editor.
    first.goto(f"{live_server.url}/en/organisers/desk/cases/{case.reference}/")
    first.get_by_role("link", name="Testimonies").click()
    first.locator("textarea[name='testimonies-0-summary']").fill("Her sister says police took her in 2018.")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Saved.", exact=False)).to_be_visible()
    first.get_by_role("button", name="Submit for publication").click()

    # Review → publish, on a phone.
    second.goto(f"{live_server.url}/en/organisers/desk/")
    expect(second.get_by_text("1 waiting for you", exact=False)).to_be_visible()
    second.get_by_role("link", name=case.reference).click()
    expect(second.get_by_text("Taken from her home at night.")).to_be_visible()
    expect(second.get_by_text("Her sister says police took her in 2018.").first).to_be_visible()
    assert no_sideways_scrolling(second)
    second.get_by_role("button", name="Approve and publish this change").click()
    expect(second.get_by_text("Approved", exact=False).first).to_be_visible()

    # Correction, proposed by the second, approved by the first.
    second.goto(f"{live_server.url}/en/organisers/desk/cases/{case.reference}/edit/")
    second.get_by_label("Current status").select_option("sentenced")
    second.get_by_label("Public reason (for a public case)").fill("Sentence reported by her sister.")
    second.get_by_role("button", name="Propose this change").click()
    assert no_sideways_scrolling(second)
    first.goto(f"{live_server.url}/en/organisers/desk/")
    first.get_by_role("link", name=case.reference).click()
    first.get_by_role("button", name="Approve and publish this change").click()

    # The public correction log.
    visitor = browser.new_page()
    visitor.goto(f"{live_server.url}/en/cases/{case.reference}/")
    expect(visitor.get_by_text("Sentenced").first).to_be_visible()
    expect(visitor.get_by_text("Sentence reported by her sister.", exact=False)).to_be_visible()
    expect(visitor.get_by_text("Taken from her home at night.")).to_have_count(0)
