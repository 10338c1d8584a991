"""Organiser pages stay out of caches; sign-ins end."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.sign_in import SIGNED_IN_AT
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_organiser_pages_listing_signer_emails_are_never_cached(client):
    petition = f.open_petition()
    client.force_login(f.owner_of(petition))
    for url in [
        reverse("organisers:signatures", kwargs={"slug": petition.slug}),
        reverse("organisers:export_emails", kwargs={"slug": petition.slug}),
        reverse("organisers:dashboard"),
        reverse("petitions:list"),  # a public page, rendered for someone signed in
    ]:
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_admin_and_sign_in_pages_are_never_cached(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
    client.force_login(f.user(staff=True))
    assert "no-store" in client.get(reverse("admin:index"))["Cache-Control"]


def test_a_session_ends_seven_days_after_signing_in_however_active(client, settings):
    client.force_login(f.organiser_user())
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.PLEA_SESSION_ABSOLUTE_AGE - 1
    session.save()
    response = client.get(reverse("organisers:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_sessions_expire_after_twelve_hours_idle(client, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.PLEA_SESSION_ABSOLUTE_AGE == 7 * 24 * 3600
    client.force_login(f.organiser_user())
    client.get(reverse("organisers:dashboard"))
    assert 0 < client.session.get_expiry_age() <= 12 * 3600


def test_signing_in_stamps_the_session(client):
    f.user("amina", password=True)
    client.post(reverse("login"), {"username": "amina", "password": f.PASSWORD})
    assert abs(client.session[SIGNED_IN_AT] - time.time()) < 60


def test_changing_the_password_ends_every_other_session(client):
    account = f.user("emre", password=True, groups=("Organisers",))
    other = Client()
    other.post(reverse("login"), {"username": "emre", "password": f.PASSWORD})
    client.post(reverse("login"), {"username": "emre", "password": f.PASSWORD})
    assert other.get(reverse("organisers:dashboard")).status_code == 200
    new = "yet-another-long-password-3"
    client.post(reverse("password_change"), {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new})
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    assert other.get(reverse("organisers:dashboard")).status_code == 302
    assert account.pk


def test_invitation_links_come_from_site_url_never_the_request_host(client, send_on_commit, settings):
    from django.core import mail

    settings.SITE_URL = "https://plea.example"
    client.force_login(f.user("staff", staff=True))
    send_on_commit(
        lambda: client.post(
            reverse("accounts:invitation_create"),
            {"email": "new@example.org", "organiser": "on"},
            HTTP_HOST="127.0.0.1:6666",
        )
    )
    assert "6666" not in mail.outbox[0].body
    assert "https://plea.example/" in mail.outbox[0].body
