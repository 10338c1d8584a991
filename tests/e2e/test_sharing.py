"""A petition as it travels, in a real browser: the share image, the card on
another site's page, and the printed poster, in English and Urdu."""

import http.server
import io
import re
import threading

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from petitions.models import PetitionText
from tests.petitions.factories import closed_petition, confirmed_signature, open_petition

pytestmark = pytest.mark.django_db(transaction=True)

URDU_TITLE = "گلگت بلتستان کے تاجروں کی بیویوں کو رہا کرو"


@pytest.fixture
def petition(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url  # the addresses in snippets and QR codes lead here
    petition = open_petition(
        slug="free-the-wives",
        title="Free the wives of Gilgit-Baltistan's traders",
        summary="At least 50 women are held in Xinjiang. Let them come home.",
        addressed_to="The Xinjiang authorities",
    )
    PetitionText.objects.create(petition=petition, language="ur", title=URDU_TITLE, story="رہائی")
    for _ in range(3):
        confirmed_signature(petition)
    return petition


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_share_image_is_what_the_link_preview_shows(page, live_server, petition, screenshot, language):
    page.goto(f"{live_server.url}/{language}/petitions/free-the-wives/")
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    response = page.goto(image_url)
    assert response.status == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    image = Image.open(io.BytesIO(response.body()))
    assert image.size == (1200, 630)
    screenshot(page, f"share-image-{language}")


class _PartnerSite(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner_page():
    """Another website (another origin, on loopback) whose page frames one of ours."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PartnerSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def show(page, live_server, path: str) -> None:
        _PartnerSite.page = (
            f'<!doctype html><html lang="en"><head><title>Partner</title></head><body><h1>Partner news</h1>'
            f'<iframe src="{live_server.url}{path}" width="360" height="220" title="petition"></iframe>'
            f"</body></html>"
        ).encode()
        page.goto(f"http://127.0.0.1:{server.server_port}/news/")

    yield show
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_another_site_can_embed_the_card_and_its_button_opens_the_petition(
    page, live_server, petition, partner_page, screenshot, language
):
    partner_page(page, live_server, f"/{language}/petitions/free-the-wives/embed/")
    card = page.frame_locator("iframe")
    title = "Free the wives of Gilgit-Baltistan's traders" if language == "en" else URDU_TITLE
    expect(card.get_by_role("heading", name=title)).to_be_visible()
    screenshot(page, f"embed-card-{language}")

    with page.context.expect_page() as opened:
        card.get_by_role("link").first.click()
    new_tab = opened.value
    new_tab.wait_for_load_state()
    assert new_tab.url == f"{live_server.url}/{language}/petitions/free-the-wives/"


def test_no_other_page_of_ours_can_be_framed(page, live_server, petition, partner_page):
    partner_page(page, live_server, "/en/petitions/free-the-wives/")
    page.wait_for_timeout(500)
    [_partner, frame] = page.frames
    assert "Sign this petition" not in frame.content()


def test_a_closed_petitions_card_says_it_is_closed(page, live_server, petition, partner_page):
    closed = closed_petition(title="An old campaign")
    partner_page(page, live_server, f"/en/petitions/{closed.slug}/embed/")
    expect(page.frame_locator("iframe").get_by_text("This petition is closed.")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_poster_prints_one_page_whose_qr_code_leads_to_the_petition(
    page, live_server, petition, screenshot, language
):
    page.goto(f"{live_server.url}/{language}/petitions/free-the-wives/poster/")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    path = screenshot(page, f"poster-{language}")
    [code] = zxingcpp.read_barcodes(Image.open(path))
    assert code.text == f"{live_server.url}/{language}/petitions/free-the-wives/"
    # One A4 sheet: the whole poster fits the printed page's height.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1123
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1


def test_share_links_work_without_javascript_and_the_copy_button_with_it(page, no_js_page, live_server, petition):
    no_js_page.goto(f"{live_server.url}/en/petitions/free-the-wives/")
    assert no_js_page.get_by_role("link", name="Telegram").get_attribute("href").startswith("https://t.me/share/url?")
    expect(no_js_page.get_by_role("button", name="Copy link")).to_be_hidden()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/en/petitions/free-the-wives/")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/en/petitions/free-the-wives/"
