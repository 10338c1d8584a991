"""One way into an account for the whole site: the sign-in page (the admin's
login sends people there), password reset links, and one throttle for all of
them.

The throttle counts every attempt before it checks anything (increment, then
compare), so twenty parallel guesses against a limit of five get five
checks. It keeps two counts: per client network (core.client_ip.network_of:
an IPv4 address or an IPv6 /64) and per account, keyed on the username as
Django signs in with it (NFKC) and case-folded, so a fullwidth or
mathematical-bold `o` and `OwnerB` share `ownerb`'s count.

A stranger must not be able to lock an organiser out by failing on purpose.
Over the per-account limit, the right password still leads on to the
second-factor step when the account has one (accounts.two_factor: the
stranger would need the phone too); an account without one is offered a
password reset, whose link proves the mailbox and clears the count.

Passing the password signs in "with the password only": an account with a
second factor reaches no organiser or admin page until the second step
(accounts.two_factor.SecondFactorGate).
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language

from accounts import two_factor
from accounts.sessions import SIGNED_IN_AT, end_other_sessions
from accounts.tasks import send_new_device_notice
from core.client_ip import client_ip, ip_hash
from core.rate_limits import Throttle

# Marks the browsers an account has signed in from, for the new-device mail only.
DEVICE_COOKIE = "plea_device"
DEVICE_SALT = "plea.known-device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
# A shared computer may carry several organisers' marks; the oldest go first.
DEVICE_ACCOUNTS_KEPT = 5

NETWORK = "network"
ACCOUNT = "account"


def account_key(username: str) -> str:
    """The username as Django signs in with it (NFKC), case-folded."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _throttle() -> Throttle:
    return Throttle("sign_in")


def _network_subject(request: HttpRequest | None) -> str | None:
    address = client_ip(request) if request is not None else None
    return f"network:{ip_hash(address)}" if address else None


def _account_subject(username: str) -> str:
    return f"account:{account_key(username)}"


def _device_mark(username: str) -> str:
    # A hash, not the name: the cookie need not say whose device it is.
    return signing.Signer(salt=DEVICE_SALT).signature(account_key(username))[:22]


def _device_marks(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        marks = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE) if raw else []
    except signing.BadSignature:
        return []
    return [mark for mark in marks if isinstance(mark, str)] if isinstance(marks, list) else []


def known_device(request: HttpRequest, username: str) -> bool:
    return _device_mark(username) in _device_marks(request)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    mark = _device_mark(username)
    others = [m for m in _device_marks(request) if m != mark]
    marks = [*others[-(DEVICE_ACCOUNTS_KEPT - 1) :], mark]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(marks, salt=DEVICE_SALT, compress=True),
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class SignInRefused(Exception):
    def __init__(self, which: str):
        super().__init__(which)
        self.which = which  # NETWORK or ACCOUNT


@dataclass
class Attempt:
    """One counted attempt; `succeeded()` gives back what a good one cost."""

    network: str | None
    account: str | None

    def succeeded(self) -> None:
        throttle = _throttle()
        if self.network:
            throttle.give_back(self.network)
        if self.account:
            throttle.reset(self.account)


def attempt(request: HttpRequest | None, *, username: str | None) -> Attempt:
    """Count an attempt to get into `username` (None: a reset request, which
    counts against the network only). Raises SignInRefused over a limit."""
    throttle = _throttle()
    network = _network_subject(request)
    if network and throttle.hit(network) > throttle.limit:
        raise SignInRefused(NETWORK)
    account = None
    if username is not None:
        account = _account_subject(username)
        if throttle.hit(account) > throttle.limit:
            raise SignInRefused(ACCOUNT)
    return Attempt(network=network, account=account)


def clear_account(username: str) -> None:
    """A password reset proves the mailbox: the account's count starts again."""
    _throttle().reset(_account_subject(username))


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_form_class(self):
        from accounts.forms import ThrottledAuthenticationForm

        return ThrottledAuthenticationForm

    def form_valid(self, form):
        user = form.get_user()
        new_device = not known_device(self.request, user.get_username())
        response = super().form_valid(form)
        # For the absolute session lifetime (accounts.sessions).
        self.request.session[SIGNED_IN_AT] = int(time.time())
        target = self.get_success_url()
        if two_factor.has_second_factor(user):
            response = two_factor.redirect_with_next("two_factor_verify", target)
        elif two_factor.requires_second_factor(user):
            response = two_factor.redirect_with_next("two_factor_enrol", target)
        remember_device(self.request, response, user.get_username())
        if new_device:
            # The holder hears of a sign-in from somewhere new: a phished
            # password used elsewhere shows up in their inbox.
            send_new_device_notice.enqueue(
                user_id=user.pk,
                browser=self.request.headers.get("User-Agent", "")[:200],
                at=timezone.now().isoformat(),
                language=get_language() or settings.LANGUAGE_CODE,
            )
        return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # Django's session hash has already ended every session of the
        # account; this takes them off its list too.
        end_other_sessions(user=form.user, keep_session_key=None)
        clear_account(form.user.get_username())
        remember_device(self.request, response, form.user.get_username())
        return response


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's login page: one sign-in for the whole site, so the same
    throttle (and, for someone signed in without admin rights, a refusal
    rather than a second way to try passwords)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': target})}")


class ResetRequestView(auth_views.PasswordResetView):
    """Counted by the sign-in throttle, mailed by the task queue."""

    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"

    def get_form_class(self):
        from accounts.forms import ThrottledPasswordResetForm

        return ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
