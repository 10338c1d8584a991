"""Forms on the cached petition page are protected by what the browser says
about where a post comes from (core/cross_origin.py); a browser that says
nothing is held to Django's CSRF token, and is given one."""

import pytest
from django.test import Client
from django.urls import reverse

from petitions import page_cache
from petitions.models import Signature
from tests.conftest import page_text
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db

# What a current browser sends when a person opens a page from a link or a
# bookmark, and when they submit a form on one of our pages.
NAVIGATION = {"HTTP_SEC_FETCH_SITE": "none", "HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}
FROM_OUR_PAGE = {**NAVIGATION, "HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


def sign_url(petition) -> str:
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


def token_given_to(client: Client, petition) -> str:
    """The CSRF token in the petition page, as a browser without fetch metadata gets it."""
    html = client.get(petition.get_absolute_url()).content.decode()
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_a_current_browser_reads_the_petition_with_no_token_and_no_cookie_and_can_sign(send_on_commit, petition):
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(petition.get_absolute_url(), **NAVIGATION)
    html = page.content.decode()
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" not in html
    assert page_cache.CSRF_PLACEHOLDER not in html
    assert "Set-Cookie" not in page.headers and not browser.cookies
    assert "Sec-Fetch-Site" in page["Vary"]

    response = send_on_commit(lambda: browser.post(sign_url(petition), sign_form(), **FROM_OUR_PAGE))

    assert response.status_code == 302
    assert Signature.objects.filter(petition=petition, email="amina@example.org").exists()


def test_a_browser_without_fetch_metadata_gets_a_token_with_the_cached_page(petition):
    Client().get(petition.get_absolute_url(), **NAVIGATION)  # cached, without a token
    old_browser = Client(enforce_csrf_checks=True)

    page = old_browser.get(petition.get_absolute_url())

    assert "csrfmiddlewaretoken" in page.content.decode()
    assert page_cache.CSRF_PLACEHOLDER not in page.content.decode()
    assert "csrftoken" in old_browser.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://evil.testserver"},
        {"HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # our host, another scheme
        {},  # says nothing, and carries no token
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "other-scheme", "no-metadata-no-token"],
)
def test_a_post_from_elsewhere_is_refused_and_nothing_is_stored(petition, headers):
    response = Client(enforce_csrf_checks=True).post(sign_url(petition), sign_form(), **headers)

    assert response.status_code == 403
    assert "Your form expired" in page_text(response)
    assert not Signature.objects.exists()


def test_a_cross_site_post_is_refused_even_with_a_valid_token(petition):
    client = Client(enforce_csrf_checks=True)
    token = token_given_to(client, petition)

    response = client.post(
        sign_url(petition), {**sign_form(), "csrfmiddlewaretoken": token}, HTTP_SEC_FETCH_SITE="cross-site"
    )

    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_an_origin_only_browser_posting_from_our_page_is_accepted(send_on_commit, petition):
    response = send_on_commit(
        lambda: Client(enforce_csrf_checks=True).post(sign_url(petition), sign_form(), HTTP_ORIGIN="http://testserver")
    )

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_an_old_browser_signs_with_the_token_it_was_given(send_on_commit, petition):
    old_browser = Client(enforce_csrf_checks=True)
    token = token_given_to(old_browser, petition)

    response = send_on_commit(
        lambda: old_browser.post(sign_url(petition), {**sign_form(), "csrfmiddlewaretoken": token})
    )

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_the_language_switcher_works_from_the_cached_page_and_not_from_elsewhere(petition):
    url = reverse("set_language")
    form = {"language": "ur", "next": petition.get_absolute_url()}

    switched = Client(enforce_csrf_checks=True).post(url, form, **FROM_OUR_PAGE)
    forged = Client(enforce_csrf_checks=True).post(url, form, HTTP_SEC_FETCH_SITE="cross-site")

    assert switched.status_code == 302
    assert switched["Location"].startswith("/ur/")
    assert forged.status_code == 403
    assert "django_language" not in forged.cookies


@pytest.mark.parametrize("url", ["/en/", "/en/cases/", "/ur/cases/statistics/"])
def test_reading_public_pages_in_a_current_browser_sets_no_cookie(url):
    browser = Client(enforce_csrf_checks=True)

    response = browser.get(url, **NAVIGATION)

    assert response.status_code == 200
    assert "language-switcher" in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not browser.cookies


def test_an_old_browser_gets_a_token_for_the_language_switcher():
    old_browser = Client(enforce_csrf_checks=True)

    token = old_browser.get("/en/").content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    response = old_browser.post(
        reverse("set_language"), {"language": "kk", "next": "/en/", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/kk/")


@pytest.mark.parametrize("url", ["/en/", "/en/cases/", "/en/accounts/login/"])
def test_every_page_tells_caches_it_depends_on_fetch_metadata(client, url):
    assert "Sec-Fetch-Site" in client.get(url, **NAVIGATION)["Vary"]
