"""Passkeys in a real browser, with Chromium's virtual authenticator (CDP):
add one on the manage page, then sign in with the password and the passkey
as second factor, and with the passkey alone.

WebAuthn needs a secure context and a domain name: the live server answers
on http://localhost, which is both, and SITE_URL follows it."""

import re

import pytest
from playwright.sync_api import expect

from accounts import audit_actions
from accounts.models import AuditEntry
from tests.accounts.second_factors import enrolled, totp_code
from tests.accounts.test_passkeys import passkey
from tests.organisers.factories import PASSWORD, organiser_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings):
    assert live_server.url.startswith("http://localhost:")
    settings.SITE_URL = live_server.url
    settings.PLEA_PASSKEYS = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def account(transactional_db):
    user = organiser_user("aigerim")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def authenticator_page(browser):
    """A page whose browser holds a platform authenticator that says yes with
    the user verified (a fingerprint, as it were)."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield page, lambda: cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    context.close()


def password_step(page, base: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill("aigerim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_add_a_passkey_then_sign_in_with_it_as_second_factor_and_alone(authenticator_page, site, account, screenshot):
    page, credentials = authenticator_page
    device = enrolled(account)

    # Signed in with the password and an authenticator code, the manage page adds a passkey.
    password_step(page, site)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My petitions")).to_be_visible()
    page.goto(f"{site}/en/accounts/two-factor/")
    page.get_by_role("button", name="Add a passkey or security key").click()
    expect(page.get_by_text("The passkey is added.")).to_be_visible()
    expect(page.locator("#passkeys li")).to_have_count(1)
    expect(page.locator("#passkeys li")).to_contain_text("Chrome on Linux")
    screenshot(page, "passkeys-manage-desktop-en")
    assert len(credentials()["credentials"]) == 1
    log_out(page)

    # Password, then the passkey as the second factor.
    password_step(page, site)
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page.get_by_role("heading", name="My petitions")).to_be_visible()
    assert AuditEntry.objects.filter(action=audit_actions.SECOND_FACTOR, details__kind="passkey").count() == 1
    log_out(page)

    # The passkey alone, from the sign-in page.
    page.goto(f"{site}/en/accounts/login/?next=/en/accounts/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/$"))
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.goto(f"{site}/en/organisers/")
    expect(page.get_by_role("heading", name="My petitions")).to_be_visible()
    assert AuditEntry.objects.filter(action=audit_actions.SECOND_FACTOR, details__kind="passkey").count() == 2


def test_without_javascript_the_verify_page_still_takes_a_code(browser, site, account):
    device = enrolled(account)
    passkey(account)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        password_step(page, site)
        expect(page.get_by_role("button", name="Use a passkey or security key")).to_have_count(0)
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="My petitions")).to_be_visible()
    finally:
        context.close()
