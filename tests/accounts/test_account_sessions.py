"""The account page lists where the account is signed in, and signs those
sessions out: time and browser, never a location, and "sign out everywhere
else"."""

import datetime
import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import audit_actions, browsers
from accounts.models import AuditEntry, SignedInSession
from accounts.sessions import SEEN_AT, end_other_sessions
from tests.conftest import page_text
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in_client(username: str, user_agent: str, ip: str = "203.0.113.5") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302, response.content
    return client


def goes_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user_agent", "browser", "system"),
    [
        (FIREFOX_WINDOWS, "Firefox", "Windows"),
        (SAFARI_IPHONE, "Safari", "iOS"),
        (CHROME_ANDROID, "Chrome", "Android"),
        (EDGE_WINDOWS, "Edge", "Windows"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/18.1 Safari/605.1.15",
            "Safari",
            "macOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Safari/537.36 OPR/114.0.0.0",
            "Opera",
            "Linux",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "FxiOS/132.0 Mobile/15E148 Safari/605.1.15",
            "Firefox",
            "iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet",
            "Android",
        ),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/131.0.0.0", "Chrome", "ChromeOS"),
        ("curl/8.5.0", "", ""),
        ("", "", ""),
    ],
)
def test_browsers_are_named_in_plain_words(user_agent, browser, system):
    assert browsers.describe(user_agent) == (browser, system)


def test_the_account_page_lists_each_signed_in_browser_and_marks_this_one():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    phone = signed_in_client("amina", SAFARI_IPHONE)

    response = laptop.get(reverse("account"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Firefox on Windows This device" in text
    assert "Safari on iOS" in text and "Safari on iOS This device" not in text
    assert "Sign out everywhere else" in text
    # Time and browser only: no address, no version numbers.
    assert "203.0.113" not in text and "132.0" not in text
    assert "This device" in page_text(phone.get(reverse("account")))
    assert "no-store" in response["Cache-Control"]


def test_the_account_page_is_linked_from_the_nav_for_the_signed_in_only(client):
    link = f'href="{reverse("account")}"'
    assert link not in client.get(reverse("petitions:list")).content.decode()
    client.force_login(f.organiser_user())
    assert link in client.get(reverse("organisers:dashboard")).content.decode()


def test_the_account_page_asks_visitors_to_sign_in(client):
    assert goes_to_sign_in(client.get(reverse("account")))
    assert goes_to_sign_in(client.post(reverse("sessions_end_others")))


def test_sign_out_everywhere_else_ends_the_other_sessions_and_is_audited():
    account = f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    phone = signed_in_client("amina", SAFARI_IPHONE)
    tablet = signed_in_client("amina", CHROME_ANDROID)
    assert phone.get(reverse("organisers:dashboard")).status_code == 200

    response = laptop.post(reverse("sessions_end_others"), follow=True)

    assert "Signed out of 2 other sessions." in page_text(response)
    text = page_text(response)
    assert "Safari on iOS" not in text and "Chrome on Android" not in text
    assert "You are signed in on this device only." in text
    # Their next organiser request goes to the sign-in page, and their session is gone.
    assert goes_to_sign_in(phone.get(reverse("organisers:dashboard")))
    assert SESSION_KEY not in phone.session
    assert goes_to_sign_in(tablet.get(reverse("organisers:dashboard")))
    assert laptop.get(reverse("organisers:dashboard")).status_code == 200
    entry = AuditEntry.objects.get(action=audit_actions.SESSIONS_END_OTHERS)
    assert entry.actor == account and entry.details == {"sessions": 2}


def test_one_session_can_be_signed_out():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    phone = signed_in_client("amina", SAFARI_IPHONE)
    tablet = signed_in_client("amina", CHROME_ANDROID)
    phone_row = SignedInSession.objects.get(browser="Safari")

    response = laptop.post(reverse("session_end", kwargs={"pk": phone_row.pk}), follow=True)

    assert "That session is signed out." in page_text(response)
    assert "Safari on iOS" not in page_text(response) and "Chrome on Android" in page_text(response)
    assert goes_to_sign_in(phone.get(reverse("organisers:dashboard")))
    assert tablet.get(reverse("organisers:dashboard")).status_code == 200
    entry = AuditEntry.objects.get(action=audit_actions.SESSION_END)
    assert entry.details["browser"] == "Safari" and entry.details["system"] == "iOS"


def test_signing_out_this_device_from_the_list_is_a_sign_out():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    mine = SignedInSession.objects.get()

    response = laptop.post(reverse("session_end", kwargs={"pk": mine.pk}))

    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in laptop.session
    assert not SignedInSession.objects.exists()


def test_no_one_sees_or_ends_another_accounts_sessions():
    f.user("amina", password=True, groups=("Organisers",))
    f.user("bora", password=True, groups=("Organisers",))
    amina = signed_in_client("amina", FIREFOX_WINDOWS)
    bora = signed_in_client("bora", SAFARI_IPHONE)
    aminas_row = SignedInSession.objects.get(user__username="amina")

    assert "Safari" not in page_text(amina.get(reverse("account")))
    assert bora.post(reverse("session_end", kwargs={"pk": aminas_row.pk})).status_code == 404
    assert bora.post(reverse("sessions_end_others")).status_code == 302

    assert amina.get(reverse("organisers:dashboard")).status_code == 200
    assert SignedInSession.objects.filter(pk=aminas_row.pk).exists()


def test_the_buttons_are_posts_with_a_token():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    signed_in_client("amina", SAFARI_IPHONE)
    other = SignedInSession.objects.get(browser="Safari")
    assert laptop.get(reverse("sessions_end_others")).status_code == 405
    assert laptop.get(reverse("session_end", kwargs={"pk": other.pk})).status_code == 405

    strict = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=FIREFOX_WINDOWS)
    strict.cookies = laptop.cookies
    assert strict.post(reverse("sessions_end_others")).status_code == 403
    assert SignedInSession.objects.filter(pk=other.pk).exists()


def test_signing_out_takes_the_session_off_the_list():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    phone = signed_in_client("amina", SAFARI_IPHONE)
    phone.post(reverse("logout"))
    assert "Safari" not in page_text(laptop.get(reverse("account")))


def test_expired_sessions_leave_the_list(settings):
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    signed_in_client("amina", SAFARI_IPHONE)
    signed_in_client("amina", CHROME_ANDROID)
    now = timezone.now()
    # Idle longer than a session lasts, and signed in longer ago than any may last.
    SignedInSession.objects.filter(browser="Safari").update(
        last_seen_at=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 3600)
    )
    SignedInSession.objects.filter(browser="Chrome").update(
        signed_in_at=now - datetime.timedelta(seconds=settings.PLEA_SESSION_ABSOLUTE_AGE + 60)
    )

    text = page_text(laptop.get(reverse("account")))

    assert "Safari" not in text and "Chrome" not in text
    assert "You are signed in on this device only." in text
    # The next sign-in sweeps their rows away.
    signed_in_client("amina", EDGE_WINDOWS)
    assert sorted(SignedInSession.objects.values_list("browser", flat=True)) == ["Edge", "Firefox"]


def test_last_seen_moves_every_few_minutes_not_on_every_request():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    phone = signed_in_client("amina", SAFARI_IPHONE)
    long_ago = timezone.now() - datetime.timedelta(hours=3)
    SignedInSession.objects.filter(browser="Safari").update(last_seen_at=long_ago)

    phone.get(reverse("organisers:dashboard"))  # seen a moment ago, by the session's clock
    assert SignedInSession.objects.get(browser="Safari").last_seen_at == long_ago
    assert "3 hours ago" in page_text(laptop.get(reverse("account")))

    session = phone.session
    session[SEEN_AT] = int(time.time()) - 3600
    session.save()
    phone.get(reverse("organisers:dashboard"))
    assert timezone.now() - SignedInSession.objects.get(browser="Safari").last_seen_at < datetime.timedelta(minutes=1)
    assert "3 hours ago" not in page_text(laptop.get(reverse("account")))


def test_a_session_from_before_the_list_is_listed_when_it_comes_back():
    account = f.organiser_user("amina")
    client = Client(HTTP_USER_AGENT=FIREFOX_WINDOWS)
    client.force_login(account)
    SignedInSession.objects.all().delete()
    session = client.session
    del session["plea_session_row"]
    session.save()

    assert client.get(reverse("organisers:dashboard")).status_code == 200
    assert SignedInSession.objects.get().user == account
    assert "This device" in page_text(client.get(reverse("account")))


def test_changing_the_password_takes_the_other_sessions_off_the_list():
    f.user("amina", password=True, groups=("Organisers",))
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    phone = signed_in_client("amina", SAFARI_IPHONE)
    new = "yet-another-long-password-3"

    laptop.post(reverse("password_change"), {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new})

    assert laptop.get(reverse("organisers:dashboard")).status_code == 200
    assert goes_to_sign_in(phone.get(reverse("organisers:dashboard")))
    assert list(SignedInSession.objects.values_list("browser", flat=True)) == ["Firefox"]
    assert "This device" in page_text(laptop.get(reverse("account")))


def test_a_password_reset_ends_every_session(client, mailoutbox, settings):
    f.user("amina", password=True, groups=("Organisers",))
    phone = signed_in_client("amina", SAFARI_IPHONE)
    client.post(reverse("password_reset"), {"email": "amina@example.org"})
    link = re.search(r"https?://\S+/password/reset/\S+/\S+/", mailoutbox[-1].body).group(0)
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    new = "yet-another-long-password-3"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert not SignedInSession.objects.exists()
    assert goes_to_sign_in(phone.get(reverse("organisers:dashboard")))


def test_end_other_sessions_keeps_the_named_one():
    account = f.user("amina", password=True)
    laptop = signed_in_client("amina", FIREFOX_WINDOWS)
    signed_in_client("amina", SAFARI_IPHONE)
    signed_in_client("amina", CHROME_ANDROID)
    assert end_other_sessions(user=account, keep_session_key=laptop.session.session_key) == 2
    assert list(SignedInSession.objects.values_list("browser", flat=True)) == ["Firefox"]
    assert end_other_sessions(user=account, keep_session_key=None) == 1
