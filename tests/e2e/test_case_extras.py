"""The smaller case pages in a real browser: the 410 page of a person no
longer public, and the CSV import (upload, preview, confirm) without
JavaScript; axe finds nothing on them, left to right and right to left."""

import pytest

from cases import csv_import
from cases.models import Case, CaseImport, RetiredCaseAddress
from tests.e2e.test_accessibility import demo, log_in, visit  # noqa: F401 - the demo fixture

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    "name_latin,name_cyrillic,status,hometown_prefecture,detained_on,source_publisher,source_title\n"
    "Zqimported Person,Зкимпортед,camp,Ili,2018-03,Atajurt,Video 12\n"
    "Zqbad Status,,jailed,,,,\n"
)


@pytest.fixture
def extras(demo):  # noqa: F811 - the fixture imported above
    RetiredCaseAddress.objects.retire("a-person-no-longer-public")
    known = Case.objects.public().with_names().first()
    rows = csv_import.read_upload(
        (FILE + f"{known.display_name},,camp,,,,\n").encode()  # a person already here
    )
    upload = csv_import.case_import_create(by=demo["staff"], file_name="people.csv", rows=rows)
    return {**demo, "upload": upload}


PAGES = {
    "case-gone": (False, lambda d: "/cases/a-person-no-longer-public/"),
    "case-import": (True, lambda d: "/organisers/cases/import/"),
    "case-import-preview": (True, lambda d: f"/organisers/cases/import/{d['upload'].pk}/"),
}


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_new_pages_have_no_accessibility_violations(
    page, live_server, extras, assert_accessible, screenshot, name, language
):
    signed_in, path = PAGES[name]
    if signed_in:
        log_in(page, live_server, extras["staff"])
    visit(page, live_server, language, path(extras))
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
    screenshot(page, f"{name}-desktop-{language}")
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 640})
    screenshot(page, f"{name}-phone-{language}")
    if not signed_in:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling on a phone"


def test_a_gone_case_says_so_without_naming_anyone(page, live_server, extras):
    answer = page.goto(f"{live_server.url}/en/cases/a-person-no-longer-public/")
    assert answer.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "This page was removed"


def test_an_editor_imports_a_file_without_javascript(no_js_page, live_server, extras, tmp_path):
    page = no_js_page
    log_in(page, live_server, extras["staff"])
    upload = tmp_path / "people.csv"
    upload.write_bytes(("\ufeff" + FILE).encode())
    page.goto(f"{live_server.url}/en/organisers/cases/import/")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()

    assert "1 row is ready to import." in page.inner_text("main")
    assert "status “jailed” is not one of" in page.inner_text("main")
    assert not Case.objects.filter(names__text="Zqimported Person").exists()

    page.get_by_role("button", name="Create the draft cases").click()

    assert "1 draft case created. 1 row was left out." in page.inner_text("body")
    imported = Case.objects.get(names__text="Zqimported Person")
    assert imported.visibility == "draft"
    assert CaseImport.objects.filter(state=CaseImport.State.IMPORTED).count() == 1
