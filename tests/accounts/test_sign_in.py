"""The attacks on sign-in that issue 13 lists, each tried as an attacker would."""

import re
import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import forms, sign_in
from core.client_ip import ip_hash, network_of
from tests.accounts.second_factors import totp_code
from tests.organisers import factories as f
from tests.petitions.factories import sign_form

pytestmark = pytest.mark.django_db

LIMIT = 5  # the "sign_in" rule's default (PLEA_LOGIN_FAILURE_LIMIT)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username, password, ip="203.0.113.5"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_is_the_site_sign_in(client):
    staff = f.user("root", staff=True, password=True)
    admin_login = reverse("admin:login")
    # Posting passwords to the admin's own page checks nothing and signs in nobody.
    for _ in range(30):
        response = client.post(admin_login, {"username": "root", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 302
    response = client.post(admin_login, {"username": "root", "password": f.PASSWORD}, REMOTE_ADDR="192.0.2.7")
    assert not signed_in(client)
    assert response["Location"].startswith(reverse("login") + "?next=")
    # The admin sends people to the site's sign-in, and back after it.
    to_login = client.get(reverse("admin:index"), follow=True)
    assert to_login.redirect_chain[-1][0] == f"{reverse('login')}?next={reverse('admin:index').replace('/', '%2F')}"
    back = client.post(
        to_login.redirect_chain[-1][0], {"username": "root", "password": f.PASSWORD}, REMOTE_ADDR="192.0.2.8"
    )
    assert back["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert staff.pk


def test_the_admin_brute_force_meets_the_site_throttle(client):
    f.user("root", staff=True, password=True)
    for _ in range(LIMIT):
        login(client, "root", "wrong", ip="192.0.2.7")
    # Another network, the right password, a device that never signed in: refused.
    assert "Too many failed attempts for this account" in login(client, "root", f.PASSWORD, ip="192.0.2.9").text
    assert not signed_in(client)


def test_signed_in_without_admin_rights_the_admin_login_refuses(client):
    client.force_login(f.organiser_user())
    assert client.get(reverse("admin:login")).status_code == 403


@pytest.mark.parametrize("variant", ["ｏwnerb", "𝐨wnerb", "OWNERB", "Ownerb ", "ownerB"])
def test_unicode_and_case_variants_of_a_username_share_its_count(client, variant):
    f.user("ownerb", password=True)
    for n in range(LIMIT):
        login(client, "ownerb", "wrong", ip=f"192.0.2.{n + 1}")
    response = login(client, variant, "wrong", ip="198.51.100.1")
    assert "Too many failed attempts for this account" in response.text


def test_a_variant_that_django_signs_in_with_is_refused_too(client):
    f.user("ownerb", password=True)
    for n in range(LIMIT):
        login(client, "ｏwnerb", "wrong", ip=f"192.0.2.{n + 1}")
    assert "Too many failed attempts for this account" in login(client, "ownerb", f.PASSWORD, ip="198.51.100.1").text
    assert not signed_in(client)


def test_account_keys_are_nfkc_and_case_folded():
    assert {sign_in.account_key(v) for v in ["ownerb", "ｏwnerb", "𝐨wnerb", "OWNERB", " OwnerB"]} == {"ownerb"}
    assert sign_in.account_key("STRASSE") == sign_in.account_key("straße")


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_are_counted_before_any_is_checked(monkeypatch):
    f.user("target", password=True)
    checked = []
    gate = threading.Barrier(20)
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checked.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)

    def guess(n: int) -> None:
        try:
            gate.wait()
            Client().post(reverse("login"), {"username": "target", "password": f"guess{n}"}, REMOTE_ADDR=f"10.0.{n}.1")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == LIMIT


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:192.0.2.1", "192.0.2.1", True),
        ("192.0.2.1", "192.0.2.2", False),
    ],
)
def test_limits_count_an_ipv6_slash_64_as_one_client(one, other, same):
    assert (network_of(one) == network_of(other)) is same
    assert (ip_hash(one) == ip_hash(other)) is same


def test_rotating_through_an_ipv6_network_does_not_escape_the_sign_in_throttle(client):
    f.user("chen", password=True)
    for n in range(LIMIT):
        login(client, f"nobody{n}", "wrong", ip=f"2001:db8:5:6::{n + 1:x}")
    assert "Too many attempts from your network" in login(client, "chen", f.PASSWORD, ip="2001:db8:5:6::abcd").text
    assert login(client, "chen", f.PASSWORD, ip="2001:db8:5:7::1").status_code == 302


def test_rotating_through_an_ipv6_network_does_not_escape_the_signing_limit(client, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    first = client.post(url, sign_form(petition, email="one@example.org"), REMOTE_ADDR="2001:db8:9:9::1")
    assert first.status_code == 302
    second = client.post(url, sign_form(petition, email="two@example.org"), REMOTE_ADDR="2001:db8:9:9::2")
    assert second.status_code == 429


def test_a_stranger_cannot_lock_an_organiser_out_the_right_password_leads_to_the_second_factor(client):
    amina = f.user("amina", password=True)
    device = TOTPDevice.objects.create(user=amina, name="phone", confirmed=True)
    attacker = Client()
    for n in range(LIMIT * 3):
        login(attacker, "amina", "wrong", ip=f"192.0.2.{n + 1}")
    # The attacker's guesses stay refused, and say nothing about the password...
    refused = login(attacker, "amina", "wrong", ip="192.0.2.99")
    assert "Too many failed attempts for this account" in refused.text
    assert not signed_in(attacker)
    # ...while the organiser's right password, from anywhere, leads on to the second step,
    response = login(client, "amina", f.PASSWORD, ip="198.51.100.4")
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # which still stands between the password and the organiser pages.
    assert client.get(reverse("organisers:dashboard"))["Location"].startswith(reverse("two_factor_verify"))
    verified = client.post(response["Location"], {"code": totp_code(device)}, REMOTE_ADDR="198.51.100.4")
    assert verified["Location"] == reverse("organisers:dashboard")


def test_without_a_second_factor_the_locked_account_is_offered_a_reset(client):
    f.user("amina", password=True)
    for n in range(LIMIT):
        login(Client(), "amina", "wrong", ip=f"192.0.2.{n + 1}")
    # The right password on a browser it used before no longer gets past the limit:
    # no cookie a stranger could not also wait for; the reset link is the way in.
    response = login(client, "amina", f.PASSWORD, ip="198.51.100.4")
    assert "Reset your password by email" in response.text
    assert not signed_in(client)
    assert sign_in.DEVICE_COOKIE not in response.cookies


def test_a_reset_link_lets_a_locked_out_organiser_in_on_a_new_device(client, mailoutbox, settings):
    f.user("bilal", password=True)
    for n in range(LIMIT):
        login(Client(), "bilal", "wrong", ip=f"192.0.2.{n + 1}")
    assert "Reset your password" in login(client, "bilal", f.PASSWORD, ip="198.51.100.5").text
    client.post(reverse("password_reset"), {"email": "bilal@example.org"}, REMOTE_ADDR="198.51.100.5")
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0).removeprefix(settings.SITE_URL)
    form_page = client.get(link, follow=True)
    new = "another-long-password-2"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert login(client, "bilal", new, ip="198.51.100.5").status_code == 302


def test_a_network_over_the_limit_cannot_ask_for_resets(client, mailoutbox):
    f.user("dana", password=True)
    for n in range(LIMIT):
        login(client, f"nobody{n}", "wrong", ip="192.0.2.50")
    response = client.post(reverse("password_reset"), {"email": "dana@example.org"}, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 200
    assert "Too many attempts from your network" in response.text
    assert mailoutbox == []


def test_reset_answers_alike_and_mails_from_the_queue(client, monkeypatch, mailoutbox):
    f.user("dana", password=True)
    queued = []
    monkeypatch.setattr(forms, "send_password_reset", SimpleNamespace(enqueue=lambda **kwargs: queued.append(kwargs)))
    known = client.post(reverse("password_reset"), {"email": "dana@example.org"}, REMOTE_ADDR="192.0.2.60")
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, REMOTE_ADDR="192.0.2.61")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # Nothing is mailed inside the request, for either address: the queue does it.
    assert mailoutbox == []
    assert [item["email"] for item in queued] == ["dana@example.org", "nobody@example.org"]


def test_reset_links_come_from_site_url_never_the_request_host(client, mailoutbox, settings):
    settings.SITE_URL = "https://plea.example"
    f.user("dana", password=True)
    client.post(reverse("password_reset"), {"email": "dana@example.org"}, HTTP_HOST="127.0.0.1:6666")
    assert len(mailoutbox) == 1
    assert "6666" not in mailoutbox[0].body
    assert re.search(r"https?://\S+", mailoutbox[0].body).group(0).startswith("https://plea.example/")


def test_a_sign_in_from_a_new_device_is_mailed_to_the_account_holder(client, mailoutbox):
    f.user("amina", password=True)
    client.post(reverse("login"), {"username": "amina", "password": f.PASSWORD}, HTTP_USER_AGENT="Firefox/140")
    assert [m.to for m in mailoutbox] == [["amina@example.org"]]
    assert "Firefox/140" in mailoutbox[0].body
    client.post(reverse("logout"))
    # The same browser again: no mail.
    login(client, "amina", f.PASSWORD)
    assert len(mailoutbox) == 1
    # Another browser: mail.
    login(Client(), "amina", f.PASSWORD)
    assert len(mailoutbox) == 2
