import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from accounts.models import AuditEntry, Invitation
from accounts.roles import CASE_EDITORS_GROUP, ORGANISERS_GROUP
from core.rate_limits import Throttle
from petitions.models import Organiser
from tests.conftest import rate_limit_rules
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username, password, ip="203.0.113.5"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_lands_on_the_dashboard_and_logout_is_a_post(client):
    account = f.user("amina", groups=(ORGANISERS_GROUP,), password=True)
    response = login(client, "amina", f.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("organisers:dashboard")
    page = client.get(reverse("organisers:dashboard"))
    assert "Log out" in page.text
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert account.pk


def test_login_page_is_styled_and_offers_a_reset(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Forgot your password?" in page.text
    assert "by invitation only" in page.text


def test_failed_logins_are_throttled_per_username(client):
    f.user("bilal", password=True)
    for _ in range(5):
        assert "Please enter a correct username" in login(client, "bilal", "wrong").text
    # Now the right password alone is refused on a device that never signed
    # in (accounts.sign_in: known devices and reset links still get in).
    response = login(client, "bilal", f.PASSWORD, ip="198.51.100.9")
    assert response.status_code == 200
    assert "Too many failed attempts for this account" in response.text
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_throttled_per_address(client):
    f.user("chen", password=True)
    for n in range(5):
        login(client, f"nobody{n}", "wrong", ip="192.0.2.1")
    assert "Too many attempts from your network" in login(client, "chen", f.PASSWORD, ip="192.0.2.1").text
    assert login(client, "chen", f.PASSWORD, ip="192.0.2.2").status_code == 302


def test_throttle_counts_and_resets(settings):
    settings.PLEA_RATE_LIMITS = rate_limit_rules(test=[(2, 60)])
    throttle = Throttle("test")
    assert not throttle.blocked("x")
    assert throttle.hit("x") == 1
    assert throttle.hit("x") == 2
    assert throttle.blocked("x") and not throttle.blocked("y")
    throttle.reset("x")
    assert not throttle.blocked("x")


def test_password_reset_by_email(client, mailoutbox, settings):
    f.user("dana", password=True)
    response = client.post(reverse("password_reset"), {"email": "dana@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    assert link.startswith(settings.SITE_URL + "/")
    path = link.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.text
    new = "another-long-password-2"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Your new password is set" in done.text
    assert login(client, "dana", new).status_code == 302


def test_password_change(client):
    account = f.user("emre", password=True)
    client.force_login(account)
    new = "yet-another-long-password-3"
    response = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password has been changed" in response.text
    account.refresh_from_db()
    assert account.check_password(new)


def test_there_is_no_self_registration(client):
    assert client.get("/en/accounts/register/").status_code == 404
    assert client.get("/en/accounts/signup/").status_code == 404


# --- Invitations ---------------------------------------------------------------


def invite(client, mailoutbox, django_capture_on_commit_callbacks, **data):
    staff = f.user("staff", staff=True)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_create"), data, follow=True)
    client.logout()
    return response


def accept_link(mail) -> str:
    return re.search(r"http\S+", mail.body).group(0).split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def test_invited_moderator_sets_a_password_and_runs_the_petition(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    petition = f.open_petition()
    response = invite(
        client,
        mailoutbox,
        django_capture_on_commit_callbacks,
        email="farida@example.org",
        petition=petition.pk,
        role="moderator",
        organiser="on",
    )
    assert "Invitation sent to farida@example.org" in response.text
    assert mailoutbox[0].to == ["farida@example.org"]
    assert petition.title in mailoutbox[0].body
    path = accept_link(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "farida@example.org" in page.text
    weak = client.post(path, {"username": "farida", "password1": "12345", "password2": "12345"})
    assert weak.status_code == 200
    assert not get_user_model().objects.filter(username="farida").exists()
    password = "a-good-long-password-4"
    done = client.post(path, {"username": "farida", "password1": password, "password2": password}, follow=True)
    assert "Welcome!" in done.text
    farida = get_user_model().objects.get(username="farida")
    assert farida.email == "farida@example.org"
    assert Organiser.objects.get(user=farida).role == "moderator"
    assert farida.groups.filter(name=ORGANISERS_GROUP).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.INVITATION_ACCEPT, actor=farida).exists()
    # The link works once.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.text


def test_case_editor_invitation(client, mailoutbox, django_capture_on_commit_callbacks):
    invite(client, mailoutbox, django_capture_on_commit_callbacks, email="gul@example.org", case_editor="on")
    path = accept_link(mailoutbox[0])
    password = "a-good-long-password-5"
    client.post(path, {"username": "gul", "password1": password, "password2": password})
    gul = get_user_model().objects.get(username="gul")
    assert list(gul.groups.values_list("name", flat=True)) == [CASE_EDITORS_GROUP]
    assert client.get(reverse("organisers:dashboard")).status_code == 403
    # Cases are curated in the admin: it opens for them, for cases only.
    assert (gul.is_staff, gul.is_superuser) == (True, False)
    assert client.get("/en/admin/cases/case/").status_code == 200
    assert client.get("/en/admin/petitions/signature/").status_code == 403
    assert client.get(reverse("accounts:invitation_create")).status_code == 403


def test_forged_or_expired_invitation_links(client, settings):
    assert client.get(reverse("accounts:invitation_accept", kwargs={"token": "forged"})).status_code == 410
    staff = f.user(staff=True)
    from accounts.tokens import invitation_token

    invitation = Invitation.objects.create(email="i@example.org", invited_by=staff)
    settings.PLEA_INVITATION_MAX_AGE = -1
    page = client.get(reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation.pk)}))
    assert page.status_code == 410
    assert "expired" in page.text


def test_nav_shows_log_in_to_visitors(client):
    page = client.get(reverse("petitions:list"))
    assert reverse("login") in page.text


def test_reset_mails_to_one_address_are_limited(client, mailoutbox):
    f.user("ines", password=True)
    for _ in range(5):
        assert client.post(reverse("password_reset"), {"email": "ines@example.org"}).status_code == 302
    assert len(mailoutbox) == 3
