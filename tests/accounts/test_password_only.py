"""Every account URL for a session that has not finished signing in.

"Password only": an account with a second factor signed in with the
password and not (yet) the code. "Must enrol": an owner who must set up a
second factor and has not. Both reach the public pages and the few pages
that finish or abandon signing in; every other page (the account page and
its sessions, second-factor management, invitations, a password change)
sends them to the second step or to enrolment and changes nothing. The
organisers' and the admin's pages are in tests/organisers/test_permissions.py.

Anonymous visitors get `no-store` on every one of these pages, since none
is public."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.invitations import invitation_create
from accounts.models import AuditEntry, Invitation, SignedInSession
from accounts.tokens import invitation_token
from tests.accounts.second_factors import enrolled
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")
ENROL = reverse("two_factor_enrol")


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PLEA_PASSKEYS = True
    settings.PLEA_REQUIRE_2FA = True
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://testserver"]


@dataclass
class World:
    account: Any
    elsewhere: Client  # the same account, signed in (and verified) in another browser
    other_session: SignedInSession
    authenticator: TOTPDevice | None
    passkey: WebAuthnCredential | None
    invitation_token: str


def build_world(kind: str) -> World:
    if kind == "password_only":
        account = f.user("holder", staff=True, password=True)
        authenticator = enrolled(account)
        passkey = WebAuthnCredential.objects.create(
            user=account, name="Phone", credential_id=b"id-holder", public_key=b"key", confirmed=True
        )
    else:
        petition = f.open_petition()
        account = f.owner_of(petition, "holder")
        account.set_password(f.PASSWORD)
        account.save()
        authenticator = passkey = None
    elsewhere = Client()
    elsewhere.force_login(account)
    staff = f.user("inviter", staff=True)
    invitation = invitation_create(by=staff, email="new@example.org", subject=None, role="", organiser=True)
    return World(
        account=account,
        elsewhere=elsewhere,
        other_session=SignedInSession.objects.get(user=account),
        authenticator=authenticator,
        passkey=passkey,
        invitation_token=invitation_token(invitation.pk),
    )


# (name, method, url, data): every URL of accounts.urls, accounts.passkey_urls
# and accounts.invitation_urls, by name.
PAGES = [
    ("account", "get", lambda w: reverse("account"), None),
    (
        "session_end",
        "post",
        lambda w: reverse("session_end", kwargs={"pk": w.other_session.pk}),
        lambda w: {},
    ),
    ("sessions_end_others", "post", lambda w: reverse("sessions_end_others"), lambda w: {}),
    ("login", "get", lambda w: reverse("login"), None),
    ("password_change", "get", lambda w: reverse("password_change"), None),
    (
        "password_change post",
        "post",
        lambda w: reverse("password_change"),
        lambda w: {
            "old_password": f.PASSWORD,
            "new_password1": "An0ther long pass",
            "new_password2": "An0ther long pass",
        },
    ),
    ("password_change_done", "get", lambda w: reverse("password_change_done"), None),
    ("password_reset", "get", lambda w: reverse("password_reset"), None),
    ("password_reset_done", "get", lambda w: reverse("password_reset_done"), None),
    (
        "password_reset_confirm",
        "get",
        lambda w: reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}),
        None,
    ),
    ("password_reset_complete", "get", lambda w: reverse("password_reset_complete"), None),
    ("two_factor_manage", "get", lambda w: reverse("two_factor_manage"), None),
    ("two_factor_verify", "get", lambda w: reverse("two_factor_verify"), None),
    ("two_factor_enrol", "get", lambda w: reverse("two_factor_enrol"), None),
    (
        "two_factor_authenticator_remove",
        "post",
        lambda w: reverse(
            "two_factor_authenticator_remove", kwargs={"pk": w.authenticator.pk if w.authenticator else 1}
        ),
        lambda w: {"password": f.PASSWORD},
    ),
    ("two_factor_recovery_codes", "get", lambda w: reverse("two_factor_recovery_codes"), None),
    ("two_factor_recovery_codes_new", "post", lambda w: reverse("two_factor_recovery_codes_new"), lambda w: {}),
    ("two_factor_remove", "post", lambda w: reverse("two_factor_remove"), lambda w: {"password": f.PASSWORD}),
    ("two_factor_reset", "get", lambda w: reverse("two_factor_reset"), None),
    (
        "two_factor_reset post",
        "post",
        lambda w: reverse("two_factor_reset"),
        lambda w: {"username": "inviter", "reason": "Lost phone"},
    ),
    ("passkey_added", "get", lambda w: reverse("passkey_added"), None),
    (
        "passkey_remove",
        "post",
        lambda w: reverse("passkey_remove", kwargs={"pk": w.passkey.pk if w.passkey else 1}),
        lambda w: {"password": f.PASSWORD},
    ),
    (
        "credential-registration-begin",
        "post_json",
        lambda w: reverse("otp_webauthn:credential-registration-begin"),
        None,
    ),
    (
        "credential-registration-complete",
        "post_json",
        lambda w: reverse("otp_webauthn:credential-registration-complete"),
        None,
    ),
    (
        "credential-authentication-begin",
        "post_json",
        lambda w: reverse("otp_webauthn:credential-authentication-begin"),
        None,
    ),
    (
        "credential-authentication-complete",
        "post_json",
        lambda w: reverse("otp_webauthn:credential-authentication-complete"),
        None,
    ),
    ("js-i18n-catalog", "get", lambda w: reverse("otp_webauthn:js-i18n-catalog"), None),
    ("invitation_create", "get", lambda w: reverse("accounts:invitation_create"), None),
    (
        "invitation_create post",
        "post",
        lambda w: reverse("accounts:invitation_create"),
        lambda w: {"email": "another@example.org", "organiser": "on"},
    ),
    (
        "invitation_accept",
        "get",
        lambda w: reverse("accounts:invitation_accept", kwargs={"token": w.invitation_token}),
        None,
    ),
    ("logout", "post", lambda w: reverse("logout"), lambda w: {}),
]

# What each kind may open before it finishes signing in; every other page
# sends it to VERIFY (password only) or ENROL (must enrol).
OPEN_TO_BOTH = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "credential-authentication-begin",
    "credential-authentication-complete",
    "js-i18n-catalog",
}
OPEN = {
    # (The second step sends an account without a factor on to enrolment.)
    "password_only": OPEN_TO_BOTH | {"two_factor_verify"},
    "must_enrol": OPEN_TO_BOTH
    | {
        "two_factor_enrol",
        "two_factor_manage",
        "two_factor_recovery_codes",
        "passkey_added",
        "credential-registration-begin",
        "credential-registration-complete",
    },
}
SENT_TO = {"password_only": VERIFY, "must_enrol": ENROL}


def snapshot(w: World):
    account = get_user_model().objects.get(pk=w.account.pk)
    return (
        list(SignedInSession.objects.filter(user=w.account).order_by("pk").values_list("pk", flat=True)),
        TOTPDevice.objects.filter(user=w.account).count(),
        WebAuthnCredential.objects.filter(user=w.account).count(),
        sorted(StaticToken.objects.filter(device__user=w.account).values_list("token", flat=True)),
        account.password,
        Invitation.objects.count(),
        AuditEntry.objects.count(),
    )


def request(client: Client, method: str, url: str, data):
    if method == "get":
        return client.get(url)
    if method == "post_json":
        return client.post(url, "{}", content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("kind", ["password_only", "must_enrol"])
@pytest.mark.parametrize(("name", "method", "url", "data"), PAGES, ids=[page[0] for page in PAGES])
def test_before_the_second_step_only_the_pages_that_finish_signing_in_open(kind, name, method, url, data):
    world = build_world(kind)
    client = Client()
    assert client.post(reverse("login"), {"username": "holder", "password": f.PASSWORD}).status_code == 302
    before = snapshot(world)
    response = request(client, method, url(world), data(world) if data else None)
    sent_on = response.status_code == 302 and response["Location"].startswith(SENT_TO[kind] + "?")
    if name.split(" ")[0] in OPEN[kind]:
        assert not sent_on, (kind, name, response.status_code)
        assert response.status_code < 500
    else:
        assert sent_on, (kind, name, response.status_code, response.get("Location"))
        assert snapshot(world) == before, "a refused request changed something"
        # The session signed in elsewhere is still signed in.
        assert world.elsewhere.get(reverse("petitions:list")).wsgi_request.user.is_authenticated


def test_every_account_url_is_in_the_table():
    from accounts.invitation_urls import urlpatterns as invitation_urlpatterns
    from accounts.passkey_urls import urlpatterns as passkey_urlpatterns
    from accounts.urls import urlpatterns

    names = {
        getattr(pattern, "name", None) for pattern in [*urlpatterns, *passkey_urlpatterns, *invitation_urlpatterns]
    }
    names.discard(None)  # the passkey URLs' include, listed through passkey_urlpatterns
    covered = {page[0].split(" ")[0] for page in PAGES}
    assert names <= covered, names - covered


def test_with_the_password_alone_the_account_page_shows_no_session_and_ends_none():
    """The review's case: the password did list every session and "sign out
    everywhere else" ended the holder's own verified one."""
    world = build_world("password_only")
    client = Client()
    client.post(reverse("login"), {"username": "holder", "password": f.PASSWORD})
    page = client.get(reverse("account"))
    assert page.status_code == 302 and page["Location"].startswith(VERIFY)
    client.post(reverse("sessions_end_others"))
    assert SignedInSession.objects.filter(pk=world.other_session.pk).exists()
    assert world.elsewhere.get(reverse("account")).status_code == 302  # force_login: not verified either
    assert world.elsewhere.get(reverse("petitions:list")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize("kind", ["password_only", "must_enrol"])
def test_public_pages_open_before_the_second_step(kind):
    build_world(kind)
    client = Client()
    client.post(reverse("login"), {"username": "holder", "password": f.PASSWORD})
    petition = f.open_petition()
    for url in (reverse("petitions:list"), petition.get_absolute_url(), reverse("cases:list"), "/api/v1/petitions/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url  # someone signed in: never cached


@pytest.mark.parametrize(("name", "method", "url", "data"), PAGES, ids=[page[0] for page in PAGES])
def test_no_account_page_is_kept_in_a_cache_for_anyone(name, method, url, data):
    world = build_world("password_only")
    response = request(Client(), method, url(world), data(world) if data else None)
    assert "no-store" in response.get("Cache-Control", ""), (name, response.status_code)
