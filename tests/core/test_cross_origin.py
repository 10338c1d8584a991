"""Forms strangers post from shared pages (sign, language) are protected as
Go's net/http.CrossOriginProtection protects forms (core/cross_origin.py):
by what the browser says about where a post comes from, with no token."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core.cross_origin import refusal
from petitions.email_keys import email_hash
from petitions.models import Signature
from tests.conftest import page_text
from tests.organisers.factories import organiser_user
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db

# What a current browser sends when a person opens a page from a link or a
# bookmark, and when they submit a form on one of our pages.
NAVIGATION = {"HTTP_SEC_FETCH_SITE": "none", "HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}
FROM_OUR_PAGE = {**NAVIGATION, "HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


def sign_url(petition) -> str:
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


@pytest.mark.parametrize(
    ("method", "headers", "passes"),
    [
        ("POST", {"HTTP_SEC_FETCH_SITE": "same-origin"}, True),
        ("POST", {"HTTP_SEC_FETCH_SITE": "none"}, True),
        ("POST", {"HTTP_SEC_FETCH_SITE": "cross-site"}, False),
        ("POST", {"HTTP_SEC_FETCH_SITE": "same-site"}, False),
        ("POST", {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://attacker.example"}, True),
        ("POST", {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://partner.example"}, True),
        ("POST", {"HTTP_ORIGIN": "http://testserver"}, True),
        ("POST", {"HTTP_ORIGIN": "https://partner.example"}, True),
        ("POST", {"HTTP_ORIGIN": "https://attacker.example"}, False),
        ("POST", {"HTTP_ORIGIN": "null"}, False),
        ("POST", {"HTTP_ORIGIN": "https://testserver"}, False),  # our host, another scheme
        ("POST", {}, True),  # neither header: not a browser on another site
        ("PUT", {"HTTP_SEC_FETCH_SITE": "cross-site"}, False),
        ("DELETE", {"HTTP_ORIGIN": "https://attacker.example"}, False),
        ("GET", {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"}, True),
        ("HEAD", {"HTTP_SEC_FETCH_SITE": "cross-site"}, True),
        ("OPTIONS", {"HTTP_SEC_FETCH_SITE": "cross-site"}, True),
    ],
)
@override_settings(CSRF_TRUSTED_ORIGINS=["https://partner.example"])
def test_the_rules_of_go_cross_origin_protection(method, headers, passes):
    request = RequestFactory().generic(method, "/en/i18n/setlang/", **headers)

    assert (refusal(request) is None) is passes


def test_a_current_browser_reads_the_petition_with_no_token_and_no_cookie_and_can_sign(send_on_commit, petition):
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(petition.get_absolute_url(), **NAVIGATION)
    html = page.content.decode()
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" not in html
    assert "Set-Cookie" not in page.headers and not browser.cookies

    response = send_on_commit(lambda: browser.post(sign_url(petition), sign_form(petition), **FROM_OUR_PAGE))

    assert response.status_code == 302
    assert Signature.objects.filter(petition=petition, email_key=email_hash("amina@example.org")).exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://evil.testserver"},
        {"HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "other-scheme"],
)
def test_a_post_from_elsewhere_is_refused_with_our_page_and_nothing_is_stored(petition, headers):
    response = Client(enforce_csrf_checks=True).post(sign_url(petition), sign_form(petition), **headers)

    assert response.status_code == 403
    assert "Your form expired" in page_text(response)
    assert not Signature.objects.exists()


def test_a_cross_site_post_is_refused_even_with_a_django_token(petition):
    client = Client(enforce_csrf_checks=True)
    client.get("/en/accounts/login/")  # a page with Django's token sets its cookie
    token = client.cookies["csrftoken"].value

    response = client.post(
        sign_url(petition), {**sign_form(petition), "csrfmiddlewaretoken": token}, HTTP_SEC_FETCH_SITE="cross-site"
    )

    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "headers", [{"HTTP_ORIGIN": "http://testserver"}, {}], ids=["origin-only-browser", "neither-header"]
)
def test_a_post_without_fetch_metadata_from_our_origin_or_from_no_browser_is_accepted(
    send_on_commit, petition, headers
):
    response = send_on_commit(
        lambda: Client(enforce_csrf_checks=True).post(sign_url(petition), sign_form(petition), **headers)
    )

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_the_language_switcher_works_from_our_pages_and_not_from_elsewhere(petition):
    url = reverse("set_language")
    form = {"language": "ur", "next": petition.get_absolute_url()}

    switched = Client(enforce_csrf_checks=True).post(url, form, **FROM_OUR_PAGE)
    forged = Client(enforce_csrf_checks=True).post(url, form, HTTP_SEC_FETCH_SITE="cross-site")

    assert switched.status_code == 302
    assert switched["Location"].startswith("/ur/")
    assert forged.status_code == 403
    assert "django_language" not in forged.cookies


@pytest.mark.parametrize("url", ["/en/", "/en/cases/", "/ur/cases/statistics/"])
@pytest.mark.parametrize("headers", [NAVIGATION, {}], ids=["current-browser", "old-browser"])
def test_reading_public_pages_sets_no_cookie_in_any_browser(url, headers):
    browser = Client(enforce_csrf_checks=True)

    response = browser.get(url, **headers)

    assert response.status_code == 200
    assert "language-switcher" in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not browser.cookies


def test_organiser_forms_keep_django_token_csrf():
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser_user())

    response = client.post(reverse("organisers:petition_create"), {"title": "x"}, **FROM_OUR_PAGE)

    assert response.status_code == 403
    assert "Your form expired" in page_text(response)
