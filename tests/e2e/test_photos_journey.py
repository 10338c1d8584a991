"""A case editor adds a photo from a family's phone; a second one approves it;
visitors then see it on the case page and the person's card. axe on every
page of the way, left-to-right and right-to-left."""

import pytest

from cases.models import Photo
from tests.cases.factories import public_case
from tests.cases.photo_files import jpeg_with_gps
from tests.e2e.test_accessibility import log_in
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db(transaction=True)

ALT = "Kali Maolai in a blue coat in front of his shop"


@pytest.fixture
def phone_photo(tmp_path):
    path = tmp_path / "IMG_2041.jpg"
    path.write_bytes(jpeg_with_gps(size=(1600, 1200)))
    return path


def test_an_editor_uploads_a_photo_and_after_approval_it_is_on_the_case_page(
    browser, live_server, phone_photo, assert_accessible, screenshot
):
    case = public_case(name="Kali Maolai", reference="kali-maolai")
    alice, bilal = case_editor("alice"), case_editor("bilal")
    photos_page = f"{live_server.url}/en/organisers/cases/{case.reference}/photos/"

    alice_page = browser.new_context().new_page()
    log_in(alice_page, live_server, alice)
    alice_page.goto(photos_page)
    assert_accessible(alice_page)
    alice_page.set_input_files("input[name=image]", str(phone_photo))
    alice_page.check("input[name=consent][value=public]")
    alice_page.fill("input[name=source]", "Sent by his daughter in Almaty")
    alice_page.fill("input[name=alt]", ALT)
    alice_page.click("text=Add the photo")
    assert "Only case editors see it" in alice_page.inner_text("body")
    photo = Photo.objects.get(case=case)
    thumbnail = alice_page.locator(f"#photo-{photo.key} img")
    assert thumbnail.evaluate("img => img.naturalWidth") == 160
    alice_page.click("text=Submit for publication")
    assert "Waiting for approval" in alice_page.inner_text("body")
    assert "Approve and publish" not in alice_page.inner_text("main")
    screenshot(alice_page, "photos-submitted")

    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/en/cases/{case.reference}/")
    assert visitor.locator(f'img[alt="{ALT}"]').count() == 0

    bilal_page = browser.new_context().new_page()
    log_in(bilal_page, live_server, bilal)
    bilal_page.goto(photos_page)
    bilal_page.click("text=Approve and publish")
    assert "Approved" in bilal_page.inner_text("body")
    bilal_page.click("text=Show on the person's card")
    assert "on the card" in bilal_page.inner_text("body")

    for language in ("en", "ur"):
        visitor.goto(f"{live_server.url}/{language}/cases/{case.reference}/")
        portrait = visitor.locator(f'img[alt="{ALT}"]')
        assert portrait.count() == 1
        assert portrait.evaluate("img => img.complete && img.naturalWidth") > 0
        assert_accessible(visitor)
        screenshot(visitor, f"photo-case-page-{language}")
        visitor.goto(f"{live_server.url}/{language}/cases/")
        card = visitor.locator(f'.case-card img[alt="{ALT}"]')
        assert card.evaluate("img => img.complete && img.naturalWidth") > 0
        box = card.bounding_box()
        assert round(box["width"]) == 56 and round(box["height"]) == 56
        assert_accessible(visitor)

    log_in(alice_page, live_server, alice)
    for language in ("en", "ur"):
        alice_page.goto(f"{live_server.url}/{language}/organisers/cases/{case.reference}/photos/")
        assert alice_page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
        assert_accessible(alice_page)
        screenshot(alice_page, f"photos-editor-{language}")
        alice_page.goto(f"{live_server.url}/{language}/organisers/cases/{case.reference}/photos/{photo.key}/")
        assert_accessible(alice_page)
        alice_page.goto(f"{live_server.url}/{language}/organisers/cases/reviews/")
        assert_accessible(alice_page)


def test_a_refused_file_is_explained_on_the_page_without_javascript(browser, live_server, tmp_path):
    case = public_case(reference="kali-maolai")
    page = browser.new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, case_editor())
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"GIF89a but not really" * 10)

    page.goto(f"{live_server.url}/en/organisers/cases/{case.reference}/photos/")
    page.set_input_files("input[name=image]", str(fake))
    page.fill("input[name=source]", "From a news report")
    page.click("text=Add the photo")

    assert "not an image we can read" in page.inner_text("body")
    assert page.input_value("input[name=source]") == "From a news report"
