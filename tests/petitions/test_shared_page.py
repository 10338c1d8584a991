"""A stranger's GET of a cached petition page is answered before URL
resolution and the rest of the middleware (petitions.shared_page):
the same response as the full stack gives, to the byte and the header, and
only to a request that carries nothing of its own."""

import time

import pytest
from django.core.cache.backends import locmem
from django.test import Client

from petitions import shared_page
from petitions.models import Petition
from tests.conftest import page_text
from tests.petitions.factories import confirmed_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_answered_yet():
    shared_page._answered.clear()
    yield
    shared_page._answered.clear()


@pytest.fixture
def one_second(monkeypatch):
    """Every request in the same second, so each gets the same form clock."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)


def answered_before_the_stack(response) -> bool:
    # The full stack resolves the URL; the shared page is sent before that.
    return response.wsgi_request.resolver_match is None


def full_response(response) -> tuple:
    return response.status_code, response.content, list(response.items()), sorted(response.cookies)


@pytest.mark.parametrize("language", ["en", "ug"])
@pytest.mark.parametrize("secure", [False, True])
def test_the_early_answer_is_the_full_stacks_answer(petition, settings, one_second, language, secure):
    settings.SECURE_HSTS_SECONDS = 3600  # as in production: sent over HTTPS only
    url = f"/{language}/petitions/{petition.slug}/"
    rendered = Client().get(url, secure=secure)  # renders, caches and stores the stack's headers
    shared_page._answered.clear()
    from_cache = Client().get(url, secure=secure)  # the cached page through the whole stack
    early = Client().get(url, secure=secure)

    assert not answered_before_the_stack(rendered) and not answered_before_the_stack(from_cache)
    assert answered_before_the_stack(early)
    assert full_response(early) == full_response(from_cache) == full_response(rendered)
    headers = dict(early.items())
    assert headers["Content-Language"] == language
    assert "Content-Security-Policy" in headers and "X-Frame-Options" in headers
    assert ("Strict-Transport-Security" in headers) is secure
    assert int(headers["Content-Length"]) == len(early.content)
    assert ('dir="rtl"' in early.content.decode()) is (language == "ug")


def test_https_is_never_answered_with_what_http_got(petition, settings, one_second):
    settings.SECURE_HSTS_SECONDS = 3600
    Client().get(petition.get_absolute_url())
    Client().get(petition.get_absolute_url())

    response = Client().get(petition.get_absolute_url(), secure=True)

    assert "Strict-Transport-Security" in response


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda client, url: client.get(url, QUERY_STRING="ref=newsletter"), id="query string"),
        pytest.param(lambda client, url: client.post(url), id="POST"),
        pytest.param(lambda client, url: client.head(url), id="HEAD"),
        pytest.param(lambda client, url: client.get(url, HTTP_COOKIE="csrftoken=abc"), id="CSRF cookie"),
        pytest.param(lambda client, url: client.get(url, HTTP_COOKIE="sessionid=abc"), id="session cookie"),
        pytest.param(lambda client, url: client.get(url, HTTP_COOKIE="django_language=ug"), id="language cookie"),
    ],
)
def test_a_request_with_anything_of_its_own_goes_through_the_stack(petition, send):
    url = petition.get_absolute_url()
    Client().get(url)
    assert answered_before_the_stack(Client().get(url))

    response = send(Client(), url)

    assert not answered_before_the_stack(response)


def test_a_signed_in_visitor_goes_through_the_stack_and_sees_the_live_count(petition, django_user_model):
    url = petition.get_absolute_url()
    Client().get(url)
    Petition.objects.filter(pk=petition.pk).update(signature_count=7)
    client = Client()
    client.force_login(django_user_model.objects.create_user("organiser", password="x" * 20))

    response = client.get(url)

    assert not answered_before_the_stack(response)
    assert "7 have signed" in page_text(response)


def test_a_host_the_stack_refuses_is_never_answered_early(petition):
    url = petition.get_absolute_url()
    Client().get(url)
    assert answered_before_the_stack(Client().get(url))

    assert Client().get(url, HTTP_HOST="evil.example").status_code == 400


def test_a_refused_user_agent_is_refused_as_before(petition, settings):
    import re

    settings.DISALLOWED_USER_AGENTS = [re.compile("BadBot")]
    url = petition.get_absolute_url()
    Client().get(url)
    assert not answered_before_the_stack(Client().get(url))

    assert Client().get(url, HTTP_USER_AGENT="BadBot/1.0").status_code == 403


def test_only_the_shared_page_is_answered_early(petition):
    missing = "/en/petitions/no-such-petition/"
    Client().get(missing)

    response = Client().get(missing)

    assert response.status_code == 404
    assert not answered_before_the_stack(response)
    assert not shared_page._answered


def test_the_early_answer_shows_changes_as_the_view_does(petition, monkeypatch):
    url = petition.get_absolute_url()
    Client().get(url)
    confirmed_signature(petition)
    still_cached = Client().get(url)
    assert answered_before_the_stack(still_cached)
    assert "0 have signed" in page_text(still_cached), "strangers may see the count as it was, within the TTL"

    now = time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 5.1)
    assert "1 has signed" in page_text(Client().get(url)), "after the TTL the new count"
    assert answered_before_the_stack(Client().get(url))

    petition.close()
    closed = Client().get(url)
    assert "This petition is closed" in page_text(closed), "an edit shows at once"
    assert not answered_before_the_stack(closed), "the stack renders it again"


def test_turning_the_cache_off_turns_the_early_answer_off(petition, settings):
    url = petition.get_absolute_url()
    Client().get(url)
    settings.PLEA_PAGE_CACHE_SECONDS = 0
    Petition.objects.filter(pk=petition.pk).update(signature_count=3)

    response = Client().get(url)

    assert not answered_before_the_stack(response)
    assert "3 have signed" in page_text(response)


def test_the_empty_sign_form_is_rendered_once_per_language(petition, settings, monkeypatch):
    from petitions.templatetags import petition_tags

    settings.PLEA_PAGE_CACHE_SECONDS = 0  # every visit renders the page
    rendered = []
    real = petition_tags.render_crispy_form
    monkeypatch.setattr(
        petition_tags, "render_crispy_form", lambda form, **kw: rendered.append(form) or real(form, **kw)
    )

    english = [Client().get(f"/en/petitions/{petition.slug}/").content.decode() for _ in range(3)]
    uyghur = Client().get(f"/ug/petitions/{petition.slug}/").content.decode()

    assert len(rendered) == 2, "once for English, once for Uyghur"
    assert all('name="full_name"' in page and 'lang="en"' in page for page in english)
    assert 'name="full_name"' in uyghur and 'lang="ug"' in uyghur


def test_a_form_sent_back_with_errors_shows_what_was_typed(petition):
    from django.urls import reverse

    Client().get(petition.get_absolute_url())  # the empty form is remembered
    response = Client().post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        {"full_name": "Typed Name", "email": "not-an-address", "started": ""},
    )

    assert response.status_code == 400
    assert 'value="Typed Name"' in response.content.decode()
    assert 'value="Typed Name"' not in Client().get(f"{petition.get_absolute_url()}?fresh=1").content.decode()
