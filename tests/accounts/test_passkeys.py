"""Passkeys (django-otp-webauthn) through our endpoints and pages: who may
ask for options, what the pages offer, and that a passkey behaves like every
other second factor (note_verified, throttles, audit, mail, sessions).

The WebAuthn signatures themselves are checked by py_webauthn; tests that
need a passkey to "pass" replace only that check, and the browser test
(tests/e2e/test_passkeys.py) runs the real ceremony with a virtual
authenticator."""

import json
import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts import two_factor
from accounts.models import AuditEntry, SignedInSession
from accounts.passkeys import PasskeyHelper
from tests.accounts.second_factors import enrolled, totp_code
from tests.conftest import page_text
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = reverse("otp_webauthn:credential-registration-begin")
REGISTER_COMPLETE = reverse("otp_webauthn:credential-registration-complete")
AUTH_BEGIN = reverse("otp_webauthn:credential-authentication-begin")
AUTH_COMPLETE = reverse("otp_webauthn:credential-authentication-complete")
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PLEA_PASSKEYS = True
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://testserver"]


def post_json(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def passkey(user, name="Chrome on Linux") -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user, name=name, credential_id=f"id-{user.pk}-{name}".encode(), public_key=b"key", confirmed=True
    )


def password_sign_in(username: str, ip: str = "203.0.113.5") -> Client:
    client = Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def verified_sign_in(username: str, device) -> Client:
    client = password_sign_in(username)
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device), "next": "/en/organisers/"})
    assert response.status_code == 302, page_text(response)
    return client


def organiser(name="amina"):
    return f.user(name, password=True, groups=("Organisers",))


def the_passkey_passes(device):
    """py_webauthn's verdict on the signature, replaced: the rest of our code runs."""
    return mock.patch.object(PasskeyHelper, "authenticate_complete", return_value=device)


# Who may ask for options ------------------------------------------------------


def test_an_anonymous_visitor_cannot_register_a_passkey(client):
    for url in (REGISTER_BEGIN, REGISTER_COMPLETE):
        response = post_json(client, url)
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"


def test_a_password_alone_does_not_add_a_passkey_to_an_account_with_a_second_factor():
    account = organiser()
    enrolled(account)
    client = password_sign_in("amina")
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 403
    assert not WebAuthnCredential.objects.exists()


def test_adding_a_passkey_asks_for_a_fresh_second_factor():
    account = organiser()
    device = enrolled(account)
    client = verified_sign_in("amina", device)
    session = client.session
    session[two_factor.VERIFIED_AT] = int(time.time()) - 3600
    session.save()

    response = post_json(client, REGISTER_BEGIN)

    assert response.status_code == 403
    assert response.json()["code"] == "not_fresh"
    manage = page_text(client.get(reverse("two_factor_manage")))
    assert "Confirm it is you to add a passkey" in manage
    assert "Add a passkey or security key" not in manage


def test_a_fresh_session_gets_options_for_this_site_and_user():
    account = organiser()
    device = enrolled(account)
    existing = passkey(account)
    client = verified_sign_in("amina", device)

    response = post_json(client, REGISTER_BEGIN)

    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"name": "Plea", "id": "testserver"}
    assert options["user"]["name"] == "amina"
    assert options["challenge"]
    # A passkey must hold the account itself, so that it can sign in alone.
    assert options["authenticatorSelection"]["residentKey"] == "required"
    # The same authenticator is not registered twice.
    assert len(options["excludeCredentials"]) == 1
    assert existing.pk
    assert "no-store" in response["Cache-Control"]


def test_the_endpoints_need_the_csrf_token():
    account = organiser()
    client = Client(enforce_csrf_checks=True)
    client.force_login(account)
    assert post_json(client, REGISTER_BEGIN).status_code == 403
    assert post_json(client, AUTH_BEGIN).status_code == 403


def test_passwordless_options_name_no_account(client):
    passkey(organiser())
    response = post_json(client, AUTH_BEGIN)
    assert response.status_code == 200
    options = response.json()
    assert options.get("allowCredentials", []) == []
    assert options["userVerification"] == "required"
    assert options["rpId"] == "testserver"


def test_completing_without_beginning_is_refused(client):
    response = post_json(client, AUTH_COMPLETE, {"id": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"


def test_with_passkeys_off_the_endpoints_are_not_found_and_the_pages_offer_none(client, settings):
    settings.PLEA_PASSKEYS = False
    for url in (REGISTER_BEGIN, REGISTER_COMPLETE, AUTH_BEGIN, AUTH_COMPLETE):
        assert post_json(client, url).status_code == 404, url
    assert "passkey" not in client.get(reverse("login")).content.decode().lower()


@pytest.mark.parametrize("page", ["account", "two_factor_manage"])
def test_with_passkeys_off_the_account_pages_say_why_and_how_to_turn_them_on(client, settings, page):
    settings.PLEA_PASSKEYS = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    client.force_login(get_user_model().objects.create_user("nadia", password="a long passphrase"))
    text = page_text(client.get(reverse(page)))
    assert "Passkeys are off on this site" in text
    assert "served as http://127.0.0.1:8000" in text
    assert "Add a passkey" not in text


# What the pages offer ------------------------------------------------------------


def test_the_sign_in_page_offers_a_passkey_from_our_own_origin(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert "Sign in with a passkey" in body
    assert 'id="otp_webauthn_config"' in body
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', body)
    assert any(src.endswith("django_otp_webauthn/otp_webauthn_auth.js") for src in sources)
    assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    # Without JavaScript the password form is all there is, and it still works.
    assert "Log in" in page_text(response)


def test_the_librarys_scripts_are_served_by_us_and_load_nothing_from_elsewhere():
    for name in ("otp_webauthn_auth.js", "otp_webauthn_register.js"):
        path = finders.find(f"django_otp_webauthn/{name}")
        assert path, name
        script = open(path, encoding="utf-8").read()
        assert not re.search(r"""(import\s*\(?|from)\s*["']https?://""", script)
        assert not re.search(r"""fetch\(\s*["']https?://""", script)


def test_the_verify_page_offers_a_passkey_only_to_accounts_that_have_one():
    account = organiser()
    enrolled(account)
    client = password_sign_in("amina")
    assert "Use a passkey" not in page_text(client.get(reverse("two_factor_verify")))
    passkey(account)
    text = page_text(client.get(reverse("two_factor_verify")))
    assert "Use a passkey or security key" in text
    # Without JavaScript the code form still works.
    assert "Passkeys need JavaScript" in text and 'name="code"' in client.get(reverse("two_factor_verify")).text


def test_the_manage_page_lists_passkeys_by_name_with_a_remove_button():
    account = organiser()
    device = enrolled(account)
    passkey(account, "Safari on iOS")
    client = verified_sign_in("amina", device)
    text = page_text(client.get(reverse("two_factor_manage")))
    assert "Passkeys and security keys" in text
    assert "Safari on iOS" in text and "Remove this passkey" in text
    assert "Add a passkey or security key" in text


def scripts_in_order(body: str) -> list[str]:
    """The page's script sources in the order the browser runs them, failing
    on any `async` script: an async script runs whenever it arrives, so a
    script that needs it (the library's module calls the catalog's
    `gettext` on a click) could run first and break the button."""
    tags = re.findall(r"<script\b[^>]*\ssrc=[^>]*>", body)
    assert not [tag for tag in tags if re.search(r"\sasync\b", tag)], tags
    return [re.search(r'\ssrc="([^"]+)"', tag).group(1) for tag in tags]


def test_every_passkey_page_loads_the_translations_before_the_script_that_uses_them():
    account = organiser()
    device = enrolled(account)
    passkey(account)
    catalog = reverse("otp_webauthn:js-i18n-catalog")
    pages = {
        "sign-in": Client().get(reverse("login")),
        "verify": password_sign_in("amina").get(reverse("two_factor_verify")),
        "manage": verified_sign_in("amina", device).get(reverse("two_factor_manage")),
    }
    for name, response in pages.items():
        sources = scripts_in_order(response.content.decode())
        library = [i for i, src in enumerate(sources) if "django_otp_webauthn/otp_webauthn_" in src]
        assert library, name
        assert catalog in sources and sources.index(catalog) < library[0], (name, sources)


# A passkey behaves like every other second factor -----------------------------------


def test_a_passkey_after_the_password_passes_the_second_step_through_note_verified():
    account = organiser()
    enrolled(account)
    device = passkey(account)
    client = password_sign_in("amina")
    assert client.get(reverse("organisers:dashboard")).status_code == 302

    post_json(client, AUTH_BEGIN)
    with the_passkey_passes(device):
        response = post_json(client, AUTH_COMPLETE + "?next=/en/organisers/")

    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/en/organisers/"
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SECOND_FACTOR).latest("pk")
    assert entry.details == {"kind": "passkey"} and entry.actor == account
    assert isinstance(client.session[two_factor.VERIFIED_AT], int)


def test_someone_elses_passkey_does_not_pass_the_second_step():
    account = organiser()
    enrolled(account)
    stranger_key = passkey(organiser("bora"))
    client = password_sign_in("amina")
    post_json(client, AUTH_BEGIN)
    # Real verification: the library refuses a credential of another account.
    with mock.patch("django_otp_webauthn.helpers.parse_authentication_credential_json") as parse:
        parse.return_value = mock.Mock(raw_id=stranger_key.credential_id)
        response = post_json(client, AUTH_COMPLETE)
    assert response.status_code == 403
    assert client.get(reverse("organisers:dashboard")).status_code == 302


def test_passkey_attempts_count_against_the_second_factor_throttle(settings):
    account = organiser()
    enrolled(account)
    device = passkey(account)
    client = password_sign_in("amina")
    for _ in range(settings.PLEA_RATE_LIMITS["second_factor"][0][0]):
        client.post(reverse("two_factor_verify"), {"code": "000000"})
    post_json(client, AUTH_BEGIN)
    with the_passkey_passes(device):
        response = post_json(client, AUTH_COMPLETE)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert client.get(reverse("organisers:dashboard")).status_code == 302


def test_signing_in_with_a_passkey_alone(send_on_commit):
    account = organiser()
    device = passkey(account)
    client = Client(HTTP_USER_AGENT=CHROME)

    post_json(client, AUTH_BEGIN)
    with the_passkey_passes(device):
        response = send_on_commit(lambda: post_json(client, AUTH_COMPLETE))

    assert response.status_code == 200
    assert response.json()["redirect_url"] == reverse("organisers:dashboard")
    # Signed in and verified: the organiser pages open.
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    assert SignedInSession.objects.get(user=account).browser == "Chrome"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECOND_FACTOR, details__kind="passkey").exists()
    # A sign-in from a new browser is mailed, as after a password.
    assert [message.subject for message in mail.outbox if "sign-in" in message.subject.lower()]
    assert "plea_signed_in_at" in client.session


def test_a_passwordless_sign_in_respects_the_networks_sign_in_throttle(settings):
    account = organiser()
    device = passkey(account)
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(settings.PLEA_RATE_LIMITS["second_factor"][0][0]):
        client.post(reverse("login"), {"username": "amina", "password": "wrong"})
    post_json(client, AUTH_BEGIN)
    with the_passkey_passes(device):
        response = post_json(client, AUTH_COMPLETE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_passkey_of_a_deactivated_account_signs_nobody_in(client):
    account = organiser()
    device = passkey(account)
    account.is_active = False
    account.save()
    post_json(client, AUTH_BEGIN)
    with the_passkey_passes(device):
        response = post_json(client, AUTH_COMPLETE)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def fake_registration(user, state, data):
    return passkey(user, "Chrome on Linux")


def test_adding_a_first_passkey_is_audited_mailed_and_brings_recovery_codes(send_on_commit):
    account = organiser()
    client = password_sign_in("amina")
    other = password_sign_in("amina", ip="203.0.113.6")

    assert post_json(client, REGISTER_BEGIN).status_code == 200
    with mock.patch.object(PasskeyHelper, "register_complete", side_effect=fake_registration):
        response = send_on_commit(lambda: post_json(client, REGISTER_COMPLETE))

    assert response.status_code == 200
    assert two_factor.has_second_factor(account)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECOND_FACTOR_ADD, details__kind="passkey").exists()
    assert any("A passkey was added" in message.body for message in mail.outbox)
    # The script goes on to the page that shows the recovery codes made with it.
    added = client.get(reverse("passkey_added"))
    assert added["Location"] == reverse("two_factor_recovery_codes")
    assert two_factor.recovery_codes_left(account) == 10
    # Changing how the account signs in ends its other sessions.
    assert other.get(reverse("account"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("organisers:dashboard")).status_code == 200
    assert SignedInSession.objects.filter(user=account).count() == 1


def test_removing_a_passkey_takes_the_password_and_is_audited_and_mailed(send_on_commit):
    account = organiser()
    device = enrolled(account)
    key = passkey(account)
    client = verified_sign_in("amina", device)
    url = reverse("passkey_remove", kwargs={"pk": key.pk})

    client.post(url, {"password": "wrong"})
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()

    response = send_on_commit(lambda: client.post(url, {"password": f.PASSWORD}, follow=True))

    assert "The passkey was removed." in page_text(response)
    assert not WebAuthnCredential.objects.filter(pk=key.pk).exists()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SECOND_FACTOR_REMOVE).latest("pk")
    assert entry.details == {"kind": "passkey", "two_factor_off": False}
    assert any("A passkey was removed" in message.body for message in mail.outbox)


def test_no_one_removes_another_accounts_passkey():
    account = organiser()
    device = enrolled(account)
    stranger_key = passkey(organiser("bora"))
    client = verified_sign_in("amina", device)
    response = client.post(reverse("passkey_remove", kwargs={"pk": stranger_key.pk}), {"password": f.PASSWORD})
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=stranger_key.pk).exists()
