"""Rate limits: counted per keyed network hash, never per address in clear."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.cases.factories import public_case
from tests.petitions.factories import open_petition, sign_form

pytestmark = pytest.mark.django_db

ADDRESS = "2001:db8:77:88::abcd"
NETWORK = "2001:db8:77:88::/64"
IPV4 = "198.51.100.77"


def _cache_keys() -> list[str]:
    return list(cache._cache)  # the local-memory cache the tests run on


def test_no_limit_keeps_an_address_or_network_in_clear_in_a_cache_key(client):
    petition = open_petition()
    case = public_case()
    for address in (ADDRESS, IPV4):
        client.get("/api/v1/petitions/", REMOTE_ADDR=address)
        client.get("/en/feed/", REMOTE_ADDR=address)
        client.get("/en/cases/data/cases.json", REMOTE_ADDR=address)
        client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), sign_form(petition), REMOTE_ADDR=address)
        client.post("/en/cases/tell-us/", {"account": "x"}, REMOTE_ADDR=address)
        client.post(reverse("cases:request", kwargs={"reference": case.reference}), {}, REMOTE_ADDR=address)
        client.post(reverse("login"), {"username": "nobody", "password": "wrong"}, REMOTE_ADDR=address)
        client.post(reverse("password_reset"), {"email": "nobody@example.org"}, REMOTE_ADDR=address)

    keys = _cache_keys()
    assert any(":rl:" in key or "throttle" in key for key in keys), keys
    for clear in (ADDRESS, NETWORK, "2001:db8:77:88", IPV4):
        assert not [key for key in keys if clear in key], clear
