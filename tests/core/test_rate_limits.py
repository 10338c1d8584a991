"""Rate limits: counted per keyed network hash, never per address in clear."""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core import rate_limits
from tests.cases.factories import public_case
from tests.conftest import rate_limit_rules
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


# --- The rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "attempts", "refused_at"),
    [
        ([(2, 60)], 4, [3, 4]),
        ([(1, 60), (3, 300)], 3, [2, 3]),
        ([], 50, []),  # off
        ([(5, 60), (2, 3600)], 4, [3, 4]),  # the stricter limit refuses first
    ],
)
def test_a_rule_allows_its_count_in_a_window_and_refuses_the_rest(settings, limits, attempts, refused_at):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=limits)
    refused = [n for n in range(1, attempts + 1) if rate_limits.check("example", key="k", now=1000.0)]
    assert refused == refused_at


def test_a_refusal_names_the_limit_so_a_429_can_say_when_to_retry(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(5, 60), (1, 3600)])
    assert rate_limits.check("example", key="k", now=0.0) is None
    assert rate_limits.check("example", key="k", now=0.0).seconds == 3600


@pytest.mark.parametrize(
    ("first", "then", "refused"),
    [
        ("k", "k", True),
        ("k", "another", False),  # keys count apart
    ],
)
def test_keys_count_apart(settings, first, then, refused):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(1, 60)])
    rate_limits.check("example", key=first, now=0.0)
    assert (rate_limits.check("example", key=then, now=1.0) is not None) is refused


def test_a_new_window_starts_afresh(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(1, 60)])
    assert rate_limits.check("example", key="k", now=0.0) is None
    assert rate_limits.check("example", key="k", now=59.0) is not None
    assert rate_limits.check("example", key="k", now=60.0) is None


def test_every_limit_keeps_counting_while_one_refuses(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(1, 60), (3, 3600)])
    for second in (0.0, 1.0, 2.0):
        rate_limits.check("example", key="k", now=second)
    # The minute has passed, but the hour saw three attempts already.
    assert rate_limits.check("example", key="k", now=61.0).seconds == 3600


def test_an_unknown_rule_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="no rule named 'nonesuch'"):
        rate_limits.check("nonesuch", key="k")


DEFAULTS_AND_VARIABLES = [
    ("sign_per_petition", [(1, 60), (5, 300)], "PLEA_SIGN_LIMITS_PER_PETITION", "2/61"),
    ("sign", [(20, 3600)], "PLEA_SIGN_LIMITS_PER_IP", "3/62"),
    ("resend", [(5, 300)], "PLEA_RESEND_LIMITS_PER_IP", "4/63"),
    ("intake", [(3, 600), (10, 86400)], "PLEA_INTAKE_LIMITS_PER_IP", "5/64,6/65"),
    ("api", [(120, 60), (2000, 3600)], "PLEA_API_LIMITS_PER_IP", "off"),
    ("dataset", [(10, 3600)], "PLEA_DATASET_LIMITS_PER_IP", "7/66"),
]


@pytest.mark.parametrize(("rule", "default", "_variable", "_value"), DEFAULTS_AND_VARIABLES)
def test_every_rule_has_its_default(settings, rule, default, _variable, _value):
    assert settings.PLEA_RATE_LIMITS[rule] == default


def test_the_sign_in_throttles_default_to_five_failures_in_fifteen_minutes(settings):
    for rule in ("sign_in", "second_factor"):
        assert settings.PLEA_RATE_LIMITS[rule] == [(5, 900)]
    assert settings.PLEA_RATE_LIMITS["reset_mail"] == [(3, 3600)]


def test_each_rule_is_set_by_its_environment_variable():
    """The variables deployments already set keep working."""
    environment = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    environment.update({variable: value for _rule, _default, variable, value in DEFAULTS_AND_VARIABLES})
    environment.update({"PLEA_LOGIN_FAILURE_LIMIT": "8", "PLEA_LOGIN_FAILURE_WINDOW_MINUTES": "9"})
    script = "import json; from config import settings; print(json.dumps(settings.PLEA_RATE_LIMITS))"
    read = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    rules = json.loads(read.stdout)

    expected = {
        "sign_per_petition": [[2, 61]],
        "sign": [[3, 62]],
        "resend": [[4, 63]],
        "intake": [[5, 64], [6, 65]],
        "api": [],
        "dataset": [[7, 66]],
        "sign_in": [[8, 540]],
        "second_factor": [[8, 540]],
    }
    assert {rule: rules[rule] for rule in expected} == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1/60,5/300", [(1, 60), (5, 300)]),
        ("off", []),
        ("OFF", []),
        ("", [(7, 70)]),  # unset: the default
    ],
)
def test_limits_are_written_as_count_over_seconds(monkeypatch, value, expected):
    from config.settings import env_limits

    monkeypatch.setenv("PLEA_EXAMPLE_LIMITS", value)
    assert env_limits("PLEA_EXAMPLE_LIMITS", default="7/70") == expected


def test_a_mistyped_limit_stops_start_up_with_a_clear_message(monkeypatch):
    from config.settings import env_limits

    monkeypatch.setenv("PLEA_EXAMPLE_LIMITS", "5 per minute")
    with pytest.raises(ImproperlyConfigured, match="count/seconds"):
        env_limits("PLEA_EXAMPLE_LIMITS", default="1/60")


@pytest.mark.parametrize(
    ("limits", "failures", "blocked"),
    [
        ([(2, 60)], 1, False),
        ([(2, 60)], 2, True),
        ([], 10, False),  # off
    ],
)
def test_a_throttle_blocks_at_its_rules_count(settings, limits, failures, blocked):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=limits)
    throttle = rate_limits.Throttle("example")
    for _ in range(failures):
        throttle.hit("someone")
    assert throttle.blocked("someone") is blocked


def test_a_throttle_takes_one_pair(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(example=[(1, 60), (5, 3600)])
    with pytest.raises(ImproperlyConfigured, match="one count/seconds pair"):
        rate_limits.Throttle("example").hit("someone")
