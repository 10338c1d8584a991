"""People who share one address (an office behind NAT, a carrier's NAT, a Tor
exit) each pass the second step with their own right code: a right code, a
recovery code or a passkey gives back the network's attempt, as a right
password does, and only wrong ones use the network's budget up."""

import json
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts.passkeys import PasskeyHelper
from core import rate_limits
from tests.accounts.second_factors import RECOVERY_CODES, enrolled, totp_code
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.7"
DASHBOARD = reverse("organisers:dashboard")


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PLEA_PASSKEYS = True
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://testserver"]


def signed_in_with_password(username: str) -> Client:
    client = Client(REMOTE_ADDR=OFFICE)
    response = client.post(reverse("login"), {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def second_step(client: Client, account, kind: str):
    device = enrolled(account)
    if kind == "authenticator":
        return client.post(reverse("two_factor_verify"), {"code": totp_code(device), "next": DASHBOARD})
    if kind == "recovery_code":
        return client.post(reverse("two_factor_verify"), {"code": RECOVERY_CODES[0], "next": DASHBOARD})
    passkey = WebAuthnCredential.objects.create(
        user=account, name="Phone", credential_id=f"id-{account.pk}".encode(), public_key=b"key", confirmed=True
    )
    client.post(reverse("otp_webauthn:credential-authentication-begin"), "{}", content_type="application/json")
    with mock.patch.object(PasskeyHelper, "authenticate_complete", return_value=passkey):
        return client.post(
            reverse("otp_webauthn:credential-authentication-complete"),
            json.dumps({}),
            content_type="application/json",
        )


def second_factor_limit() -> int:
    """How many wrong codes one network may send (the second_factor rule)."""
    return rate_limits.limits("second_factor")[0].count


@pytest.mark.parametrize("kind", ["authenticator", "recovery_code", "passkey"])
def test_many_people_behind_one_address_each_pass_with_their_own_right_factor(settings, kind):
    people = second_factor_limit() + 3
    for number in range(people):
        account = f.user(f"colleague{number}", password=True, groups=("Organisers",))
        client = signed_in_with_password(account.username)
        response = second_step(client, account, kind)
        assert response.status_code in (200, 302), (number, response.status_code)
        assert client.get(DASHBOARD).status_code == 200, f"person {number + 1} behind one address was refused"


def test_wrong_codes_from_one_address_still_use_up_its_budget(settings):
    """Only right codes are given back: guessing across accounts from one
    network stays throttled."""
    for number in range(second_factor_limit()):
        account = f.user(f"guessed{number}", password=True, groups=("Organisers",))
        enrolled(account)
        client = signed_in_with_password(account.username)
        assert client.post(reverse("two_factor_verify"), {"code": "000000"}).status_code == 200
    account = f.user("last", password=True, groups=("Organisers",))
    device = enrolled(account)
    client = signed_in_with_password(account.username)
    refused = client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert refused.status_code == 429
    assert client.get(DASHBOARD)["Location"].startswith(reverse("two_factor_verify"))
