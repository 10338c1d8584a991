"""Searching a petition's signatures for an exact address answers "did this
person sign?": owners only, with a fresh second factor, a few times an hour,
and every search is in the audit log without the address."""

import time

import pytest
from django.urls import reverse

from accounts import two_factor
from accounts.models import AuditEntry
from core import rate_limits
from petitions import audit_actions
from tests.accounts.second_factors import enrolled, totp_code
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

ADDRESS = "gulnar.omarova@gmail.com"

LOOKUPS_AN_HOUR = rate_limits.limits("address_lookup")[0].count


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PLEA_REQUIRE_2FA = True


@pytest.fixture
def petition():
    petition = f.open_petition()
    f.confirmed_signature(petition, full_name="Gulnar Omarova", email=ADDRESS, country="KZ", reason="My uncle")
    return petition


def signatures_url(petition) -> str:
    return reverse("organisers:signatures", kwargs={"slug": petition.slug})


def lookups():
    return AuditEntry.objects.filter(action=audit_actions.LOOKUP_EMAIL)


def owner_signed_in(client, petition, *, fresh: bool):
    owner = f.owner_of(petition, "owner")
    owner.set_password(f.PASSWORD)
    owner.save()
    device = enrolled(owner)
    client.post(reverse("login"), {"username": "owner", "password": f.PASSWORD})
    client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    if not fresh:
        session = client.session
        session[two_factor.VERIFIED_AT] = int(time.time()) - 11 * 60
        session.save()
    return owner, device


def test_a_moderator_cannot_ask_whether_an_address_signed(client, petition):
    client.force_login(f.moderator_of(petition))
    response = client.get(signatures_url(petition), {"email": ADDRESS})
    assert response.status_code == 403
    assert "Gulnar Omarova" not in response.text
    assert not lookups().exists()
    # Nor is the search offered to them.
    page = client.get(signatures_url(petition))
    assert page.status_code == 200
    assert 'name="email"' not in page.text


def test_an_owner_with_a_stale_second_factor_is_asked_again_first(client, petition):
    _owner, device = owner_signed_in(client, petition, fresh=False)
    response = client.get(signatures_url(petition), {"email": ADDRESS})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert not lookups().exists()
    client.post(reverse("two_factor_verify"), {"code": totp_code(device, steps_ahead=1)})
    assert "Gulnar Omarova" in client.get(signatures_url(petition), {"email": ADDRESS}).text


def test_each_search_is_audited_without_the_address(client, petition):
    owner, _device = owner_signed_in(client, petition, fresh=True)
    found = client.get(signatures_url(petition), {"email": ADDRESS.upper()})
    assert found.status_code == 200
    assert "Gulnar Omarova" in found.text
    missing = client.get(signatures_url(petition), {"email": "nobody@example.org"})
    assert "Gulnar Omarova" not in missing.text
    entries = list(lookups().order_by("pk"))
    assert [(entry.actor, entry.details) for entry in entries] == [(owner, {"found": 1}), (owner, {"found": 0})]
    assert list(AuditEntry.objects.about(petition).filter(action=audit_actions.LOOKUP_EMAIL).order_by("pk")) == entries
    stored = " ".join(f"{entry.details} {entry.reason} {entry.target_id}" for entry in entries).lower()
    assert "gulnar" not in stored and "nobody" not in stored
    # Other searches are no lookups.
    client.get(signatures_url(petition), {"name": "Gulnar"})
    assert lookups().count() == 2


def test_searches_for_addresses_are_throttled(client, petition):
    _owner, _device = owner_signed_in(client, petition, fresh=True)
    for _ in range(LOOKUPS_AN_HOUR):
        assert client.get(signatures_url(petition), {"email": ADDRESS}).status_code == 200
    refused = client.get(signatures_url(petition), {"email": ADDRESS})
    assert refused.status_code == 429
    assert "Too many searches for addresses" in refused.text
    assert "Gulnar Omarova" not in refused.text
    assert lookups().count() == LOOKUPS_AN_HOUR
    # The rest of the list still works.
    assert "Gulnar Omarova" in client.get(signatures_url(petition)).text
