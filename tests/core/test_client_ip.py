"""The keyed network hash that stands in for an address wherever one is kept or counted."""

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip_hash, ip_hash, network_of


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("not an address", "not an address"),
    ],
)
def test_the_network_an_address_stands_for(address, network):
    assert network_of(address) == network


def test_the_hash_is_of_the_network_and_keyed(settings):
    settings.PLEA_IP_HASH_KEY = "one key"
    first = ip_hash("2001:db8:1:2::1")
    assert first == ip_hash("2001:db8:1:2::ffff")
    assert first != ip_hash("2001:db8:1:3::1")
    assert len(first) == 64 and "2001" not in first
    settings.PLEA_IP_HASH_KEY = "another key"
    assert ip_hash("2001:db8:1:2::1") != first, "without the key the hash links nothing"


def test_no_address_hashes_to_nothing():
    assert ip_hash(None) == ip_hash("") == ""


def test_a_request_is_hashed_by_the_address_the_trusted_proxy_saw(settings):
    settings.PLEA_TRUSTED_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.4")
    assert client_ip_hash(request) == ip_hash("192.0.2.4")
