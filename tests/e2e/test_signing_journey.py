import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from petitions.models import Petition, Signature
from tests.petitions.factories import open_petition
from tests.petitions.mailbox import confirm_link, withdraw_link

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def petition(transactional_db):
    return open_petition(
        title="Free the wives of Gilgit-Baltistan's traders",
        addressed_to="The Xinjiang authorities",
        story="At least **50** women are held.",
    )


def fill_and_sign(page, *, name="Amina Yusuf", email="amina@example.org") -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_role("textbox", name=re.compile(r"^Email\W*$")).fill(email)
    page.get_by_role("combobox", name=re.compile(r"^Country\W*$")).select_option("PK")
    page.get_by_label("Why are you signing? (optional)").fill("My cousin is held.")
    page.get_by_label("Show my name, country and reason publicly").check()
    page.get_by_role("button", name="Sign this petition").click()


def test_a_visitor_finds_signs_confirms_sees_the_count_rise_and_withdraws(
    page, live_server, petition, screenshot, foreign_requests
):
    foreign = foreign_requests(page, live_server.url)
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name=petition.title).click()
    expect(page.locator(".sign-card").get_by_text("0 have signed. Let's get to 100!")).to_be_visible()
    # A reader gets the shared page: no cookie, no token; the browser's
    # Sec-Fetch-Site vouches for the form (core/cross_origin.py).
    assert page.context.cookies() == []
    expect(page.locator("input[name=csrfmiddlewaretoken]")).to_have_count(0)
    screenshot(page, "petition-desktop-en")

    fill_and_sign(page)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert Signature.objects.get().state == Signature.State.PENDING

    [message] = mail.outbox
    page.goto(live_server.url + confirm_link(message))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_text("Your signature is confirmed and counted")).to_be_visible()
    expect(page.locator(".sign-card").get_by_text("1 has signed. Let's get to 100!")).to_be_visible()
    expect(page.get_by_text("Amina Yusuf")).to_be_visible()

    page.goto(live_server.url + withdraw_link(message))
    page.get_by_role("button", name="Withdraw my signature").click()
    expect(page.get_by_text("Your signature has been withdrawn")).to_be_visible()
    expect(page.locator(".sign-card").get_by_text("0 have signed. Let's get to 100!")).to_be_visible()
    assert Petition.objects.get(pk=petition.pk).signature_count == 0
    assert foreign == []


def test_signing_works_with_javascript_disabled(no_js_page, live_server, petition):
    page = no_js_page
    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    fill_and_sign(page)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto(live_server.url + confirm_link(mail.outbox[0]))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.locator(".sign-card").get_by_text("1 has signed. Let's get to 100!")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "ug"])
def test_a_phone_signs_without_sideways_scrolling(phone_page, live_server, petition, screenshot, language):
    page = phone_page
    page.goto(f"{live_server.url}/{language}/petitions/{petition.slug}/")
    screenshot(page, f"petition-phone-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if language != "en":
        return

    fill_and_sign(page)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_on_a_phone_the_count_and_a_way_to_sign_are_on_the_first_screen(browser, live_server, petition):
    """Without JavaScript, at 360 by 640: the count, the goal and a link to the
    form show before any scrolling, and the link stays in reach down the story."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    summary = page.locator(".sign-summary")
    expect(summary.get_by_text("0 have signed. Let's get to 100!")).to_be_visible()
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640, "the count is below the first screen"
    header = page.locator("header").bounding_box()
    assert header is not None and header["height"] < 120, "the header takes more than two rows"
    page.mouse.wheel(0, 400)
    in_reach = page.locator(".sign-in-reach a")
    expect(in_reach).to_be_in_viewport()
    in_reach.click()
    expect(page.get_by_role("heading", name="Sign this petition")).to_be_in_viewport()
    context.close()


def test_errors_are_summarised_and_linked_to_their_fields(page, live_server, petition):
    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    page.get_by_label("Full name").fill("Amina")
    page.get_by_role("textbox", name=re.compile(r"^Email\W*$")).fill("not-an-address")
    page.get_by_role("button", name="Sign this petition").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following:")
    summary.get_by_role("link", name="Email").click()
    assert re.search(r"#id_email$", page.url)
    expect(page.locator("#id_email")).to_be_focused()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_petition_page_is_accessible(page, live_server, petition, assert_accessible, screenshot, language):
    page.goto(f"{live_server.url}/{language}/petitions/{petition.slug}/")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
    screenshot(page, f"petition-desktop-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)
