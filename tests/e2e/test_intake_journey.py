"""A family tells us about someone, in a browser with and without
JavaScript and on a phone; a relative asks for a page to be taken down; a
case editor finds the submission in the queue and turns it into a draft.
axe on every new page, left-to-right and right-to-left."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from cases.models import Case, Submission
from tests.cases.factories import public_case
from tests.cases.intake_factories import case_request, jpeg_with_gps, new_case_submission
from tests.e2e.test_accessibility import log_in
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    return {"known": public_case(name="Mihrigul Tursun", summary="Detained in 2018.")}


def fill_intake(page, *, with_photo: bool = True) -> None:
    page.get_by_label("Name in Latin letters").fill("Mihrigul Tursun")
    page.get_by_label("Name in Arabic script").fill("مىھرىگۈل تۇرسۇن")
    page.get_by_label("Hometown").fill("Cherchen")
    page.get_by_label("Year they were taken or went missing").fill("2018")
    page.get_by_label("You are their").select_option("sibling")
    page.get_by_label("What happened, and when?").fill("Taken from her home at night in spring 2018.")
    page.get_by_label("Their name and story", exact=True).check()
    page.get_by_label("Your email").fill("zulhumar@example.org")
    if with_photo:
        page.set_input_files(
            "input[type=file]", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
        )


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_family_tells_us_about_someone_and_an_editor_makes_a_draft(
    page, live_server, people, screenshot, assert_accessible, foreign_requests
):
    foreign = foreign_requests(page, live_server.url)
    page.goto(f"{live_server.url}/en/cases/")
    page.get_by_role("link", name="Tell us about someone").first.click()
    expect(page.get_by_role("heading", level=1, name="Tell us about someone")).to_be_visible()
    fill_intake(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you: we have received what you sent")).to_be_visible()
    assert foreign == []

    submission = Submission.objects.get()
    assert submission.files.count() == 1 and submission.contact_email == "zulhumar@example.org"

    editor = case_editor("editor")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/en/organisers/intake/")
    page.get_by_role("link", name="Mihrigul Tursun").click()
    expect(page.get_by_text("Taken from her home at night")).to_be_visible()
    expect(page.get_by_role("link", name="Mihrigul Tursun")).to_be_visible()  # the known case, a candidate
    screenshot(page, "intake-detail-desktop-en")
    page.get_by_role("button", name="Create the draft case").click()
    expect(page.get_by_text("Draft case", exact=False).first).to_be_visible()
    submission.refresh_from_db()
    assert submission.state == "converted" and submission.draft.visibility == "draft"
    assert Case.objects.public().count() == 1


def test_the_form_works_without_javascript_and_keeps_what_was_typed(no_js_page, live_server, people):
    page = no_js_page
    page.goto(f"{live_server.url}/en/cases/tell-us/")
    fill_intake(page)
    page.get_by_label("Name in Latin letters").fill("")
    page.get_by_label("Name in Arabic script").fill("")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Give the person's name in at least one script.").first).to_be_visible()
    expect(page.get_by_text("please choose them again")).to_be_visible()
    expect(page.get_by_label("What happened, and when?")).to_have_value("Taken from her home at night in spring 2018.")
    expect(page.get_by_label("Your email")).to_have_value("zulhumar@example.org")
    assert not Submission.objects.exists()

    page.get_by_label("Name in Latin letters").fill("Mihrigul Tursun")
    page.set_input_files(
        "input[type=file]", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you: we have received what you sent")).to_be_visible()
    assert Submission.objects.get().files.count() == 1


def test_the_form_fits_a_360_pixel_phone(browser, live_server, people, screenshot):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for language in ("en", "ug"):
            page.goto(f"{live_server.url}/{language}/cases/tell-us/")
            screenshot(page, f"intake-form-phone-{language}")
            assert no_sideways_scrolling(page), language
        page.goto(f"{live_server.url}/en/cases/tell-us/")
        fill_intake(page, with_photo=False)
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Thank you: we have received what you sent")).to_be_visible()
        assert no_sideways_scrolling(page)
        assert Submission.objects.count() == 1
    finally:
        context.close()


def test_a_relative_asks_for_removal_and_case_editors_are_told_at_once(page, live_server, people):
    editor = case_editor("editor")
    case = people["known"]
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Request a correction or removal").click()
    page.get_by_label("Removal: the page should be taken down").check()
    page.get_by_label("Your name").fill("Aibek")
    page.get_by_label("You are their").select_option("child")
    page.get_by_label("What is wrong, or why should the page be removed?").fill("Our father is at risk.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Thank you: we have received your request")).to_be_visible()

    submission = Submission.objects.get()
    assert submission.urgent and submission.case == case
    assert [message.to for message in mail.outbox] == [[editor.email]]
    case.refresh_from_db()
    assert case.visibility == "public"  # a request alone changes nothing public

    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/en/organisers/intake/")
    expect(page.get_by_text("1 removal request is waiting for a decision.")).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Urgent")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_new_public_pages_have_no_accessibility_violations(
    page, live_server, people, assert_accessible, screenshot, language
):
    reference = people["known"].reference
    for name, path in (
        ("intake-form", "/cases/tell-us/"),
        ("intake-sent", "/cases/tell-us/sent/"),
        ("request-form", f"/cases/{reference}/request/"),
        ("request-sent", f"/cases/{reference}/request/sent/"),
    ):
        page.goto(f"{live_server.url}/{language}{path}")
        assert page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
        screenshot(page, f"{name}-desktop-{language}")
        assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_new_organiser_pages_have_no_accessibility_violations(
    page, live_server, people, assert_accessible, screenshot, language
):
    submission = new_case_submission()
    case_request(people["known"])
    log_in(page, live_server, case_editor("editor"))
    for name, path in (
        ("intake-queue", "/organisers/intake/"),
        ("intake-detail", f"/organisers/intake/{submission.pk}/"),
        ("intake-contact", f"/organisers/intake/{submission.pk}/contact/"),
    ):
        page.goto(f"{live_server.url}/{language}{path}")
        assert "/accounts/login/" not in page.url
        screenshot(page, f"organiser-{name}-desktop-{language}")
        assert_accessible(page)
