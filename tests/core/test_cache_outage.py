"""With REDIS_URL pointing at a cache server that is not there, visitors
notice nothing: pages answer, signing works, rate limits still hold."""

import logging
import socket

import pytest
from django.core import mail
from django.urls import reverse

from core import resilient_cache
from petitions.email_keys import email_hash
from petitions.models import Signature
from tests.cases.factories import public_case
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture(autouse=True)
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.resilient_cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    resilient_cache.reset()
    yield
    resilient_cache.reset()


def test_every_page_a_visitor_reaches_answers(client, petition):
    case = public_case()
    petition.cases.add(case)
    for url in (
        reverse("petitions:list"),
        petition.get_absolute_url(),
        petition.get_absolute_url(),  # a second visitor: the page cache is asked again
        reverse("cases:list"),
        reverse("cases:detail", kwargs={"reference": case.reference}),
        reverse("cases:statistics"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert petition.title in client.get(petition.get_absolute_url()).content.decode()


def test_a_visitor_can_sign_and_is_mailed(client, petition, send_on_commit):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})

    response = send_on_commit(lambda: client.post(url, sign_form(petition), REMOTE_ADDR="203.0.113.9"))

    assert response.status_code == 302
    assert Signature.objects.filter(petition=petition, email_key=email_hash("amina@example.org")).exists()
    assert len(mail.outbox) == 1


def test_rate_limits_still_refuse_while_the_cache_server_is_down(client, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})

    first = client.post(url, sign_form(petition), REMOTE_ADDR="203.0.113.10")
    second = client.post(url, sign_form(petition, email="second@example.org"), REMOTE_ADDR="203.0.113.10")

    assert first.status_code == 302
    assert second.status_code == 429, "a per-process limit stands in, never no limit"
    assert Signature.objects.count() == 1


def test_the_outage_is_logged_once_a_minute_not_once_a_request(client, petition, caplog):
    resilient_cache.reset()  # the test set-up has already met the outage
    with caplog.at_level(logging.ERROR, logger="core.resilient_cache"):
        for _ in range(5):
            resilient_cache._outage["down_until"] = 0.0  # Redis asked on every request
            assert client.get(petition.get_absolute_url()).status_code == 200

    outages = [record for record in caplog.records if record.name == "core.resilient_cache"]
    assert len(outages) == 1
    assert "127.0.0.1" not in outages[0].getMessage(), "the server's address stays out of the log"


def test_redis_is_asked_again_after_a_pause(monkeypatch):
    from django.core.cache import cache

    clock = [1000.0]
    monkeypatch.setattr(resilient_cache.time, "monotonic", lambda: clock[0])
    calls = []
    real_get = resilient_cache.RedisCache.get

    def counting_get(self, *args, **kwargs):
        calls.append(args)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(resilient_cache.RedisCache, "get", counting_get)
    monkeypatch.setattr(resilient_cache.FallbackRedisCache, "get", resilient_cache._falling_back("get"))

    cache.get("a")
    cache.get("b")
    clock[0] += resilient_cache.RETRY_AFTER_SECONDS + 1
    cache.get("c")

    assert len(calls) == 2, "one try, a rest, then one more try"
