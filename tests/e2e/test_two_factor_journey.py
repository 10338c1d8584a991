"""An organiser turns on two-factor sign-in and signs in with it, in a
browser without JavaScript: scanning aside, what a person does."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts import audit_actions
from accounts.models import AuditEntry
from tests.organisers.factories import PASSWORD, open_petition, owner_of

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app fed the typed key shows."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill("aigerim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_enrol_an_authenticator_app_and_sign_in_with_it_without_javascript(no_js_page, live_server, screenshot):
    page = no_js_page
    petition = open_petition(title="Free the Almaty relatives")
    account = owner_of(petition, "aigerim")
    account.set_password(PASSWORD)
    account.save()

    sign_in(page, live_server)
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    screenshot(page, "two-factor-enrol-no-js")
    page.get_by_label("Code from the app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Save the codes first")).to_be_visible()
    page.get_by_label("I have saved these codes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("10 recovery codes left")).to_be_visible()

    page.get_by_role("button", name="Log out").first.click()
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    # The password alone opens no organiser page.
    page.goto(f"{live_server.url}/en/organisers/")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Code").fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name=petition.title)).to_be_visible()
    assert AuditEntry.objects.filter(actor=account, action=audit_actions.SECOND_FACTOR).count() == 2
