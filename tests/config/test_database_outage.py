"""A request that cannot reach the database gets a 503 that says to try again,
never a 500; someone signing gets their form back as they typed it.

The outage is made with Django's own execute wrappers: every query (or only
the signature INSERT) fails as psycopg fails when PostgreSQL restarts. A real
restart under concurrent signing is bench/resilience.py, run by CI.
"""

import json
import re
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from config.views import server_error
from petitions.email_keys import email_hash
from petitions.models import Signature
from tests.conftest import page_text
from tests.organisers.factories import owner_of
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db


@contextmanager
def database_away(*, only: str = ""):
    def refuse(execute, sql, params, many, context):
        if only in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def test_a_page_read_while_the_database_is_away_is_a_503_with_retry_after(visitor, petition):
    with database_away():
        response = visitor.get(petition.get_absolute_url())

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Please try again in a few seconds" in page_text(response)
    assert "no-store" in response["Cache-Control"]
    assert "server closed" not in response.content.decode(), "no detail of the failure is shown"


def test_the_503_page_follows_the_visitors_language_and_direction(visitor, petition):
    with database_away():
        response = visitor.get(petition.get_absolute_url().replace("/en/", "/ug/"))

    assert response.status_code == 503
    assert 'dir="rtl"' in response.content.decode()
    assert "bootstrap.rtl.min.css" in response.content.decode()


def test_a_signature_that_could_not_be_recorded_comes_back_as_typed(visitor, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    typed = sign_form(
        petition, full_name="Gulnar Tursun", email="gulnar@example.org", reason="For my brother", wants_updates="on"
    )

    with database_away(only="INSERT"):
        response = visitor.post(url, typed, REMOTE_ADDR="203.0.113.20")

    assert response.status_code == 503
    body = response.content.decode()
    assert "We could not record your signature just now, please press Sign again." in page_text(response)
    assert 'value="Gulnar Tursun"' in body and 'value="gulnar@example.org"' in body
    assert "For my brother" in body
    assert re.search(r'name="wants_updates"[^>]*checked', body)
    assert re.search(r'<option value="PK"[^>]*selected', body)
    assert f'action="{url}"' in body
    assert not Signature.objects.exists(), "nothing was acknowledged, and nothing was stored"


def test_pressing_sign_again_once_the_database_is_back_records_the_signature(visitor, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    with database_away(only="INSERT"):
        failed = visitor.post(url, sign_form(petition), REMOTE_ADDR="203.0.113.21")
    started = re.search(r'name="started" value="([^"]+)"', failed.content.decode()).group(1)

    again = visitor.post(url, sign_form(petition, started=started), REMOTE_ADDR="203.0.113.22")

    assert again.status_code == 302 and again["Location"].endswith("/signed/")
    assert Signature.objects.filter(petition=petition, email_key=email_hash("amina@example.org")).count() == 1


def test_a_sign_post_when_the_petition_cannot_even_be_read_still_keeps_the_form(visitor, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})

    with database_away():
        response = visitor.post(url, sign_form(petition, full_name="Erkin Abdulla"), REMOTE_ADDR="203.0.113.23")

    assert response.status_code == 503
    assert 'value="Erkin Abdulla"' in response.content.decode()


def test_an_organiser_page_is_a_503_too(visitor, petition):
    visitor.force_login(owner_of(petition))
    with database_away():
        response = visitor.get(reverse("organisers:dashboard"))

    assert response.status_code == 503


@pytest.mark.parametrize(
    ("error", "status"),
    [(OperationalError("connection refused"), 503), (ValueError("a bug"), 500)],
    ids=["an outage met outside a view is a 503 too", "other errors stay 500"],
)
def test_the_500_handler_tells_an_outage_from_a_bug(rf, error, status):
    try:
        raise error
    except type(error):
        response = server_error(rf.get("/"))

    assert response.status_code == status
    assert ("Retry-After" in response) is (status == 503)


def test_health_says_ok_when_everything_answers(visitor):
    response = visitor.get(reverse("health"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


def test_health_is_503_when_the_database_is_away_and_says_no_more(visitor):
    with database_away():
        response = visitor.get(reverse("health"))

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "down", "cache": "ok"}


def test_health_is_degraded_but_200_when_only_the_cache_is_down(visitor, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.resilient_cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }

    response = visitor.get(reverse("health"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "degraded", "database": "ok", "cache": "down"}
    assert "6379" not in response.content.decode() and "redis" not in response.content.decode()


def test_health_takes_only_reads(visitor):
    assert visitor.post(reverse("health")).status_code == 405
