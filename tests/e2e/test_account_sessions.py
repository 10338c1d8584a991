"""The account page in a real browser: two browsers signed in to one account,
one signs the other out."""

import re

import pytest
from playwright.sync_api import expect

from tests.organisers.factories import PASSWORD, organiser_user

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def account(transactional_db):
    user = organiser_user("aigerim")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill("aigerim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My petitions")).to_be_visible()


def test_sign_out_everywhere_else_from_the_account_page(browser, live_server, account, screenshot):
    laptop_context = browser.new_context()
    phone_context = browser.new_context(user_agent=PHONE, viewport={"width": 390, "height": 800})
    laptop, phone = laptop_context.new_page(), phone_context.new_page()
    try:
        sign_in(laptop, live_server.url)
        sign_in(phone, live_server.url)

        laptop.get_by_role("link", name="Account").click()
        sessions = laptop.get_by_role("table")
        this_device = sessions.get_by_role("row").filter(has_text="This device")
        expect(this_device).to_have_count(1)
        expect(this_device).to_contain_text("Chrome on Linux")
        expect(sessions.get_by_role("row").filter(has_text="Safari on iOS")).to_have_count(1)
        screenshot(laptop, "account-sessions-desktop-en")

        phone.get_by_role("link", name="Account").click()
        expect(phone.get_by_role("row").filter(has_text="This device")).to_contain_text("Safari on iOS")

        laptop.get_by_role("button", name="Sign out everywhere else").click()
        expect(laptop.get_by_text("Signed out of 1 other session.")).to_be_visible()
        expect(laptop.get_by_role("row").filter(has_text="Safari on iOS")).to_have_count(0)
        expect(laptop.get_by_text("You are signed in on this device only.")).to_be_visible()

        # The phone's next organiser page asks it to sign in again.
        phone.goto(f"{live_server.url}/en/organisers/")
        expect(phone).to_have_url(re.compile(r"/en/accounts/login/\?next="))
        expect(phone.get_by_role("button", name="Log in")).to_be_visible()

        # The laptop carries on.
        laptop.goto(f"{live_server.url}/en/organisers/")
        expect(laptop.get_by_role("heading", name="My petitions")).to_be_visible()
    finally:
        laptop_context.close()
        phone_context.close()
