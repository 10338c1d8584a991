"""The open data and finding pages in a browser, on a phone, left-to-right and
right-to-left: axe finds nothing (the statistics page's scrollable table
included), nothing scrolls sideways, nothing loads from another site."""

import pytest

from tests.e2e.test_accessibility import SLUG, visit
from tests.e2e.test_accessibility import demo as demo_data

pytestmark = pytest.mark.django_db(transaction=True)
demo = demo_data  # the demo data fixture

PAGES = {
    "statistics": "/cases/statistics/",
    "petition-charts": f"/petitions/{SLUG}/",
    "open-data": "/open-data/",
    "closed-tab": "/?tab=closed",
    "search": "/?q=uyghur",
}


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("name", list(PAGES))
def test_open_data_pages_are_accessible_on_a_phone(
    phone_page, live_server, demo, assert_accessible, screenshot, foreign_requests, name, language
):
    elsewhere = foreign_requests(phone_page, live_server.url)
    visit(phone_page, live_server, language, PAGES[name])
    screenshot(phone_page, f"{name}-phone-{language}")
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling on a phone"
    assert elsewhere == []


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_charts_tables_open_without_javascript(no_js_page, live_server, demo, screenshot, language):
    visit(no_js_page, live_server, language, f"/petitions/{SLUG}/")
    figure = no_js_page.locator(".petition-charts")
    figure.locator("summary").first.click()
    assert figure.locator("table.signature-days tbody tr").count() >= 1
    figure.locator("summary").nth(1).click()
    assert figure.locator("table.signature-countries tbody tr").count() >= 1
    screenshot(no_js_page, f"petition-charts-tables-{language}")
