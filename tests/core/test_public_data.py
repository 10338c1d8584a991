"""The open data (JSON API, feeds, data set) is limited per client network:
someone who rotates through the addresses of their own IPv6 /64 is refused
as one address is."""

import pytest
from django.test import override_settings

from tests.conftest import rate_limit_rules
from tests.petitions.factories import open_petition

pytestmark = pytest.mark.django_db

# Five addresses of one /64, as one subscriber may use at will.
ONE_NETWORK = [f"2001:db8:5:6::{n:x}" for n in range(1, 6)]


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("/api/v1/petitions/", "api"),
        ("/en/feed/", "api"),
        ("/en/cases/data/cases.json", "dataset"),
    ],
)
def test_five_addresses_of_one_ipv6_network_are_refused_like_one_address(client, url, rule):
    open_petition()
    with override_settings(PLEA_RATE_LIMITS=rate_limit_rules(**{rule: [(4, 3600)]})):
        statuses = [client.get(url, REMOTE_ADDR=address).status_code for address in ONE_NETWORK]
        another_network = client.get(url, REMOTE_ADDR="2001:db8:5:7::1").status_code

    assert statuses == [200] * 4 + [429]
    assert another_network == 200
