"""How a petition travels: link previews, the share image, share links, the
badge, the embed card and the poster, in English and in Urdu."""

import html
import io
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
import segno
import zxingcpp
from django.core import mail
from django.urls import reverse
from PIL import Image

from core import share_image
from petitions import sharing
from petitions.goals import next_goal
from petitions.models import Organiser, PetitionText
from petitions.qr import qr_svg
from tests.cases.factories import draft_case, public_case
from tests.conftest import page_text
from tests.hostile import RAW_QUERY
from tests.organisers import factories as organiser_factories
from tests.petitions.factories import (
    another_address,
    closed_petition,
    confirmed_signature,
    draft_petition,
    open_petition,
    sign_form,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
URDU_TITLE = "انہیں رہا کرو"


@pytest.fixture
def petition(db):
    petition = open_petition(title="Free them", summary="Release everyone held without charge.", slug="free-them")
    PetitionText.objects.create(petition=petition, language="ur", title=URDU_TITLE, story="رہائی")
    return petition


def meta(body: str) -> dict[str, str]:
    pairs = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', body)
    return {key: html.unescape(value) for key, value in pairs}


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 199, 999, 1_000, 1_099, 1_999, 12_345, 999_999, 1_234_567])
def test_the_image_count_is_rounded_down_to_two_figures_and_keeps_every_rung(count):
    rounded = sharing.rounded_count(count)
    assert rounded <= count
    assert (count < 100 and rounded == count) or len(str(rounded).rstrip("0")) <= 2
    assert next_goal(rounded) == next_goal(count)


@pytest.mark.parametrize(
    ("count", "rounded"), [(57, 57), (100, 100), (123, 120), (1_234, 1_200), (98_765, 98_000), (1_250_001, 1_200_000)]
)
def test_rounding_table(count, rounded):
    assert sharing.rounded_count(count) == rounded


# ---- link previews ----


@pytest.mark.parametrize(("language", "title", "locale"), [("en", "Free them", "en_GB"), ("ur", URDU_TITLE, "ur_PK")])
def test_the_petition_page_previews_in_the_readers_language(client, petition, language, title, locale):
    body = client.get(f"/{language}/petitions/free-them/").content.decode()
    tags = meta(body)

    assert tags["og:title"] == title
    assert tags["og:url"] == f"http://127.0.0.1:8000/{language}/petitions/free-them/"
    assert tags["og:locale"] == locale
    assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
    assert tags["og:image"].startswith(f"http://127.0.0.1:8000/{language}/petitions/free-them/share-")
    assert title in tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/{language}/petitions/free-them/">' in body
    for other in ("en", "ur", "ug", "kk", "ru", "zh-Hans", "tr"):
        path = other.lower()
        assert (
            f'<link rel="alternate" hreflang="{other}" href="http://127.0.0.1:8000/{path}/petitions/free-them/">'
            in body
        )

    image = client.get(urllib.parse.urlsplit(tags["og:image"]).path)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)


def test_addresses_come_from_site_url_not_from_the_visitors_host_header(client, petition, settings):
    settings.ALLOWED_HOSTS = ["*"]
    body = client.get("/en/petitions/free-them/?x=1", HTTP_HOST="evil.example").content.decode()
    assert "evil.example" not in body
    assert 'content="http://127.0.0.1:8000/en/petitions/free-them/"' in body  # no query string echoed


@pytest.mark.parametrize("path", ["/en/", "/ur/", "/en/cases/", "/ur/cases/"])
def test_lists_preview_with_the_sites_picture(client, path):
    tags = meta(client.get(path).content.decode())
    assert tags["og:type"] == "website"
    image = client.get(urllib.parse.urlsplit(tags["og:image"]).path)
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_case_previews_with_names_and_status_and_no_photo(client, language):
    case = public_case(name="Ilham Tohti", spellings=("ئىلھام توختى", "伊力哈木·土赫提"), status="sentenced")
    tags = meta(client.get(f"/{language}/cases/{case.reference}/").content.decode())
    assert tags["og:title"] == "Ilham Tohti"
    assert "ئىلھام توختى" in tags["og:image:alt"] and "伊力哈木·土赫提" in tags["og:image:alt"]
    image = client.get(urllib.parse.urlsplit(tags["og:image"]).path)
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)


def test_a_case_that_is_not_public_has_no_picture(client):
    case = draft_case()
    response = client.get(f"/en/cases/{case.reference}/share-0123456789abcdef.png")
    assert response.status_code == 404


# ---- the share image ----


def image_path(client, petition, language="en") -> str:
    return client.get(f"/{language}/petitions/{petition.slug}/share.png")["Location"]


def test_the_share_image_is_kept_for_good_and_an_old_version_leads_to_the_current_one(client, petition):
    path = image_path(client, petition)
    response = client.get(path)
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"

    petition.title = "Free them all"
    petition.save()
    moved = client.get(path.replace(path.rsplit("-", 1)[1], "0123456789abcdef.png"))
    assert moved.status_code == 302
    assert moved["Location"] == image_path(client, petition) != path
    assert "immutable" not in moved["Cache-Control"]


def test_the_image_is_redrawn_when_the_shown_count_moves_not_on_every_signature(client, petition, monkeypatch):
    drawn = []
    real_draw = share_image.draw
    monkeypatch.setattr(share_image, "draw", lambda card: drawn.append(card) or real_draw(card))
    petition.signature_count = 1_200
    petition.save()
    first = image_path(client, petition)
    client.get(first)
    for count in (1_201, 1_250, 1_299):
        petition.signature_count = count
        petition.save()
        assert image_path(client, petition) == first
        assert client.get(first).status_code == 200
    assert len(drawn) == 1
    assert drawn[0].lines == ("1,200 have signed. Let's get to 2,000!",)

    petition.signature_count = 1_300
    petition.save()
    assert image_path(client, petition) != first
    client.get(image_path(client, petition))
    assert len(drawn) == 2


def test_a_cached_image_is_served_without_touching_the_database(client, petition, django_assert_num_queries):
    path = image_path(client, petition)
    client.get(path)
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


def test_a_closed_petitions_image_says_it_is_closed(client):
    petition = closed_petition()
    client.get(image_path(client, petition))
    assert sharing.share_card(petition).lines[-1] == "This petition is closed."
    assert sharing.share_card(petition).progress is None


# ---- share links ----


def test_share_links_carry_the_petition_and_nothing_about_the_sharer(client, petition):
    body = client.get("/en/petitions/free-them/").content.decode()
    links = dict(re.findall(r'class="btn btn-sm btn-outline-primary share-(\w+)" href="([^"]+)"', body))
    assert set(links) == {"whatsapp", "telegram", "facebook", "x", "vk", "email"}
    url = "http://127.0.0.1:8000/en/petitions/free-them/"
    for service, link in links.items():
        parts = urllib.parse.urlsplit(html.unescape(link))
        values = " ".join(v for values in urllib.parse.parse_qs(parts.query).values() for v in values)
        assert url in values, service
        # The petition's address is exactly ours: no parameter added to it.
        assert all("?" not in word for word in values.split() if word.startswith("http://127.0.0.1")), service
    assert urllib.parse.urlsplit(html.unescape(links["whatsapp"])).netloc == "wa.me"
    assert html.unescape(links["email"]).startswith("mailto:?subject=Free%20them&body=")
    assert "<iframe" not in body


def test_share_links_are_in_urdu_on_the_urdu_page(client, petition):
    body = client.get("/ur/petitions/free-them/").content.decode()
    telegram = html.unescape(re.search(r'share-telegram" href="([^"]+)"', body).group(1))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(telegram).query)
    assert query["url"] == ["http://127.0.0.1:8000/ur/petitions/free-them/"]
    assert URDU_TITLE in query["text"][0]


def test_a_signer_who_has_just_confirmed_is_asked_to_share(client, petition, send_on_commit):
    send_on_commit(
        lambda: client.post("/en/petitions/free-them/sign/", sign_form(petition), REMOTE_ADDR=another_address())
    )
    link = re.search(r"/en/signatures/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    response = client.post(link, follow=True)

    text = page_text(response)
    assert "Your signature is confirmed and counted" in text
    assert "Thank you — now ask three friends" in text
    assert 'class="alert alert-success"' in response.content.decode()
    assert "now ask three friends" not in page_text(client.get("/en/petitions/free-them/"))


# ---- badge ----


def badge(client, petition, language="en"):
    response = client.get(f"/{language}/petitions/{petition.slug}/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def test_the_badge_is_valid_svg_with_title_count_goal_and_progress(client, petition):
    for _ in range(3):
        confirmed_signature(petition)
    root = badge(client, petition)
    assert root.tag == f"{SVG}svg"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts[:2] == ["Free them", "3 have signed. Let's get to 100!"]
    bars = [element for element in root.iter(f"{SVG}rect") if element.get("fill") == "#0b5ed7"]
    assert [bar.get("width") for bar in bars] == [str(round(336 * 3 / 100))]


def test_a_long_title_on_the_badge_ends_on_a_whole_word(client):
    petition = open_petition(title="Release the Uyghur women married to Pakistani traders now")
    title = next(badge(client, petition).iter(f"{SVG}text")).text
    assert title == "Release the Uyghur women married to…"  # not "… to Pakista…"
    assert len(title) <= 44


def test_the_urdu_badge_runs_right_to_left(client, petition):
    root = badge(client, petition, "ur")
    assert root.get("direction") == "rtl"
    assert URDU_TITLE in [element.text for element in root.iter(f"{SVG}text")]


def test_the_badge_of_a_closed_petition_says_it_is_closed(client):
    petition = closed_petition()
    texts = [element.text for element in badge(client, petition).iter(f"{SVG}text")]
    assert "This petition is closed." in texts


def test_the_badge_is_served_from_the_cache_for_a_few_seconds(client, petition, django_assert_num_queries):
    badge(client, petition)
    with django_assert_num_queries(0):
        response = client.get(f"/en/petitions/{petition.slug}/badge.svg")
    assert response["Cache-Control"] == "public, max-age=5"


# ---- embed card ----


def test_the_embed_card_is_the_only_page_other_sites_may_frame(client, petition):
    response = client.get("/en/petitions/free-them/embed/")
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert (
        'href="http://127.0.0.1:8000/en/petitions/free-them/" target="_blank" rel="noopener">Sign the petition' in body
    )
    assert "Set-Cookie" not in str(response.headers)

    for path in ("/en/petitions/free-them/", "/en/petitions/free-them/share/", "/en/petitions/free-them/poster/"):
        other = client.get(path)
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"], path
        assert other["X-Frame-Options"] == "DENY", path


def test_the_embed_card_of_a_closed_petition_says_it_is_closed(client):
    petition = closed_petition(title="Closed one")
    text = page_text(client.get(f"/en/petitions/{petition.slug}/embed/"))
    assert "This petition is closed." in text
    assert "Sign the petition" not in text


def test_the_urdu_embed_card_is_right_to_left(client, petition):
    body = client.get("/ur/petitions/free-them/embed/").content.decode()
    assert '<html lang="ur" dir="rtl">' in body
    assert URDU_TITLE in body


# ---- share page and poster ----


def test_the_share_page_offers_badge_and_card_as_copyable_snippets(client, petition):
    body = html.unescape(client.get("/en/petitions/free-them/share/").content.decode())
    assert '<img src="http://127.0.0.1:8000/en/petitions/free-them/badge.svg"' in body
    assert '<iframe src="http://127.0.0.1:8000/en/petitions/free-them/embed/"' in body
    assert "/en/petitions/free-them/poster/" in body


def test_the_petition_page_links_to_the_share_page(client, petition):
    assert "/en/petitions/free-them/share/" in client.get("/en/petitions/free-them/").content.decode()


def decode_qr(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4)
    buffer.seek(0)
    [result] = zxingcpp.read_barcodes(Image.open(buffer))
    return result.text


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_poster_has_the_ask_the_count_and_a_qr_code_of_the_petition(client, petition, language):
    confirmed_signature(petition)
    response = client.get(f"/{language}/petitions/free-them/poster/")
    body = response.content.decode()
    url = f"http://127.0.0.1:8000/{language}/petitions/free-them/"
    assert url in body
    svg = re.search(r"<svg .*?</svg>", body, re.S).group(0)
    title = URDU_TITLE if language == "ur" else "Free them"
    assert svg == qr_svg(url, title=title, scale=6)
    assert decode_qr(url) == url
    if language == "en":
        text = page_text(response)
        assert "Release everyone held without charge." in text
        assert "1 has signed. Let's get to 100!" in text


def test_the_poster_prints_on_one_a4_page(client):
    css = b"".join(client.get("/static/css/poster.css").streaming_content).decode()
    assert "@page { size: A4;" in css
    assert "@media print" in css


def test_the_poster_of_a_closed_petition_says_it_is_closed(client):
    petition = closed_petition()
    assert "This petition is closed." in page_text(client.get(f"/en/petitions/{petition.slug}/poster/"))


# ---- bad input ----

SLUG_PATHS = ["share/", "share.png", "share-0123456789abcdef.png", "badge.svg", "embed/", "poster/"]


@pytest.mark.parametrize("suffix", SLUG_PATHS)
def test_drafts_and_unknown_petitions_have_nothing_to_share(client, suffix):
    draft = draft_petition()
    for slug in (draft.slug, "no-such-petition"):
        for language in ("en", "ur"):
            response = client.get(f"/{language}/petitions/{slug}/{suffix}")
            assert response.status_code == 404, (slug, suffix)


@pytest.mark.parametrize("suffix", SLUG_PATHS)
def test_hostile_query_strings_never_break_a_sharing_page(client, petition, suffix):
    for value in RAW_QUERY:
        response = client.get(f"/en/petitions/free-them/{suffix}?page={value}&v={value}")
        assert response.status_code < 500, (suffix, value[:40])
        assert b"<script>" not in response.content


@pytest.mark.parametrize("version", ["x", "0123456789ABCDEF", "0123456789abcdef0", "..%2F..", "%00" * 16])
def test_malformed_image_versions_are_not_found(client, petition, version):
    for path in (f"/en/petitions/free-them/share-{version}.png", f"/en/share-{version}.png"):
        assert client.get(path).status_code == 404


def test_sharing_pages_refuse_posts(client, petition):
    for suffix in SLUG_PATHS:
        assert client.post(f"/en/petitions/free-them/{suffix}").status_code == 405


def test_a_drafts_preview_offers_nothing_to_share(client):
    draft = draft_petition()
    account = organiser_factories.organiser_user()
    Organiser.objects.create(petition=draft, user=account, role="owner")
    client.force_login(account)
    body = client.get(reverse("organisers:petition_preview", kwargs={"slug": draft.slug})).content.decode()
    assert "og:image" not in body and 'rel="canonical"' not in body
    assert "Share this petition" not in body and "/share/" not in body
