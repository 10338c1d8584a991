import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db, tmp_path, monkeypatch):
    from petitions.management.commands import load_demo

    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "demo-password")
    call_command("load_demo", verbosity=0)


def test_a_visitor_filters_searches_reads_a_case_and_goes_on_to_its_petition(
    page, live_server, demo, screenshot, assert_accessible
):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "cases-desktop-en")
    assert_accessible(page)

    page.get_by_label("Family lives in").select_option(label="Pakistan")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Mailikemu Maimati").first).to_be_visible()

    page.get_by_label("Name").fill("mailikemu")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Mailikemu Maimati").first.click()
    expect(page.get_by_role("heading", name="Mailikemu Maimati")).to_be_visible()
    screenshot(page, "case-desktop-en")
    assert_accessible(page)

    page.get_by_role("link", name="Sign").first.click()
    expect(page.locator(".sign-card").get_by_text("have signed")).to_be_visible()
    expect(page.get_by_text("The people behind this petition")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "ug"])
def test_statistics_render_without_javascript_libraries_and_are_accessible(
    page, live_server, demo, screenshot, assert_accessible, language
):
    page.goto(f"{live_server.url}/{language}/cases/statistics/")
    assert page.locator("svg").count() >= 4
    assert page.locator("script").count() == 0
    screenshot(page, f"statistics-desktop-{language}")
    labels_inside = page.eval_on_selector_all(
        ".bar-chart text",
        "texts => texts.every(t => { const box = t.getBBox(), view = t.ownerSVGElement.viewBox.baseVal;"
        " return box.width > 0 && box.x >= -2 && box.x + box.width <= view.width + 2; })",
    )
    assert labels_inside, "every label and number lies inside its chart"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)
