"""Second factors: what an account has, what a sign-in has proved, and how
recently.

django-otp keeps the devices (an authenticator app is a TOTPDevice, the
recovery codes one StaticDevice; a passkey plugin adds its own model) and
marks a session verified (`request.user.is_verified()`). This module is the
one place the rest of the site asks:

- `has_second_factor(user)`: any confirmed device, whatever its plugin;
- `requires_second_factor(user)`: PLEA_REQUIRE_2FA and the account can
  reach signer emails, contacts or the admin (staff, owners, case editors);
- `note_verified(request, device=...)`: every successful second factor goes
  through it (the session is verified, the time kept, the use audited);
- `is_fresh(request)` and `fresh_second_factor_required`: sensitive actions
  (full signer emails, contacts, approvals, invitations, roles) ask again
  when the last check is older than ten minutes.

`SecondFactorGate` keeps a session that passed only the password (or has not
enrolled although it must) out of every page but the public ones and the
few it needs to finish signing in.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import audit_actions, public_pages
from accounts.audit import record
from accounts.roles import OWNING_ROLES, holds_role, is_case_editor
from accounts.sessions import end_other_sessions
from accounts.tasks import send_two_factor_notice
from core.client_ip import client_ip, ip_hash
from core.rate_limits import Throttle

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# When the session last proved a second factor (seconds since the epoch).
VERIFIED_AT = "plea_second_factor_at"
FRESH_SECONDS = 10 * 60
RECOVERY_CODE_COUNT = 10

# What a session that passed only the password may open, besides the
# public pages (accounts.public_pages): leaving, the second step, starting
# again through a password reset. Every other page waits for the second
# step, so a page added later is behind it without anyone listing it.
OPEN_BEFORE_SECOND_STEP = frozenset(
    {
        "login",
        "logout",
        "admin:logout",
        "two_factor_verify",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
# An account that must enrol and has none may also set a second factor up
# (an authenticator app, or a passkey from the manage page) and save its
# recovery codes: the password is all it has to lose.
OPEN_BEFORE_ENROLMENT = OPEN_BEFORE_SECOND_STEP | {
    "two_factor_enrol",
    "two_factor_manage",
    "two_factor_recovery_codes",
    "passkey_added",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
}


# What an account has -------------------------------------------------------


def has_second_factor(user) -> bool:
    """Any confirmed django-otp device, of any plugin (asked once per request
    and user object, in one query however many plugins there are)."""
    if not user.is_authenticated:
        return False
    known = getattr(user, "_plea_has_second_factor", None)
    if known is None:
        devices = [
            model.objects.filter(user_id=user.pk, confirmed=True).values("pk") for model in django_otp.device_classes()
        ]
        known = devices[0].union(*devices[1:], all=True).exists()
        user._plea_has_second_factor = known
    return known


def _forget(user) -> None:
    user.__dict__.pop("_plea_has_second_factor", None)


def requires_second_factor(user) -> bool:
    """With PLEA_REQUIRE_2FA on: staff, petition owners and case editors."""
    if not settings.PLEA_REQUIRE_2FA or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser or is_case_editor(user):
        return True
    return holds_role(user, roles=OWNING_ROLES)


def authenticators(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk")


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# What a sign-in has proved -------------------------------------------------


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated) and bool(getattr(user, "is_verified", lambda: False)())


def needs_second_step(request: HttpRequest) -> bool:
    """Signed in with the password only, on an account that has a second factor."""
    return request.user.is_authenticated and not is_verified(request) and has_second_factor(request.user)


def device_kind(device) -> str:
    if isinstance(device, StaticDevice):
        return "recovery_code"
    if isinstance(device, TOTPDevice):
        return "authenticator"
    if isinstance(device, WebAuthnCredential):
        return "passkey"
    return device._meta.model_name


def note_verified(request: HttpRequest, *, device) -> None:
    """The session proved `device` just now. Every successful second factor
    (authenticator code, recovery code, passkey) goes through here."""
    django_otp.login(request, device)
    request.session[VERIFIED_AT] = int(time.time())
    kind = device_kind(device)
    with transaction.atomic():
        if kind == "recovery_code":
            left = recovery_codes_left(request.user)
            record(
                by=request.user,
                action=audit_actions.RECOVERY_CODE_USE,
                target=cast("User", request.user),  # verified: signed in
                details={"left": left},
            )
            notify(request, user=request.user, event="recovery_code", left=left)
        else:
            record(
                by=request.user,
                action=audit_actions.SECOND_FACTOR,
                target=cast("User", request.user),
                details={"kind": kind},
            )


def is_fresh(request: HttpRequest, *, within: int = FRESH_SECONDS) -> bool:
    """Did this session prove a second factor in the last `within` seconds?
    An account without one passes while PLEA_REQUIRE_2FA is off, so the
    demo stays usable; with it on, it must enrol first."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not has_second_factor(user):
        return not settings.PLEA_REQUIRE_2FA
    verified_at = request.session.get(VERIFIED_AT)
    return is_verified(request) and isinstance(verified_at, int) and time.time() - verified_at <= within


def safe_next(request: HttpRequest, target: str | None, *, fallback: str | None = None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback or reverse(settings.LOGIN_REDIRECT_URL)


def redirect_with_next(name: str, target: str) -> HttpResponseRedirect:
    """To the page `name`, which sends the person on to `target` after."""
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': target})}")


def ask_again(request: HttpRequest) -> HttpResponse:
    """To the second-factor page, and back here after it. A POST cannot be
    replayed: it returns to the page the form was on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    target = request.get_full_path()
    if request.method != "GET":
        target = safe_next(request, request.headers.get("Referer"), fallback=target)
        messages.info(request, _("Confirm it is you with your second factor, then do it again."))
    if not has_second_factor(request.user):
        return redirect_with_next("two_factor_enrol", target)
    return redirect_with_next("two_factor_verify", target)


def fresh_second_factor_required(view: Callable) -> Callable:
    """The view runs only if the session proved a second factor in the last
    ten minutes (is_fresh); otherwise the visitor is asked for one first."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_fresh(request):
            return ask_again(request)
        return view(request, *args, **kwargs)

    return wrapped


class SecondFactorGate:
    """No page but the public ones and those in OPEN_BEFORE_SECOND_STEP for a
    session that passed only the password on an account with a second factor
    (to the second step), nor for an account that must enrol and has not (to
    enrolment); both come back to the page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not request.user.is_authenticated or public_pages.is_public(match):
            return None
        if needs_second_step(request):
            if match.view_name in OPEN_BEFORE_SECOND_STEP:
                return None
            return redirect_with_next("two_factor_verify", request.get_full_path())
        if requires_second_factor(request.user) and not has_second_factor(request.user):
            if match.view_name in OPEN_BEFORE_ENROLMENT:
                return None
            return redirect_with_next("two_factor_enrol", request.get_full_path())
        return None


# Checking a code -----------------------------------------------------------


def _code_throttle() -> Throttle:
    return Throttle("second_factor")


class TooManyCodes(Exception):
    pass


@dataclass
class CodeAttempt:
    """One counted attempt; `succeeded()` gives back what a good one cost,
    as a good password does: the account starts again, and the network gets
    its attempt back, so people behind one address (an office, a carrier's
    NAT, a Tor exit) who each type a right code never use up its budget."""

    account: str
    network: str | None

    def succeeded(self) -> None:
        throttle = _code_throttle()
        throttle.reset(self.account)
        if self.network:
            throttle.give_back(self.network)


def code_attempt(request: HttpRequest) -> CodeAttempt:
    """Count a second-factor attempt (per account and per client network)
    before any code is checked; over the limit raises TooManyCodes. django-otp
    also slows each device down after failures."""
    throttle = _code_throttle()
    account = f"user:{request.user.pk}"
    address = client_ip(request)
    network = f"network:{ip_hash(address)}" if address else None
    counts = [throttle.hit(subject) for subject in (account, network) if subject]
    if any(count > throttle.limit for count in counts):
        raise TooManyCodes
    return CodeAttempt(account=account, network=network)


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def match_code(user, code: str):
    """The device that accepts `code` (six digits: an authenticator app;
    otherwise a recovery code, used up by this), or None."""
    code = normalise_code(code)
    if not code:
        return None
    devices = authenticators(user) if code.isdigit() and len(code) == 6 else StaticDevice.objects.filter(user=user)
    for device in devices.filter(confirmed=True):
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


# Changing what an account has ----------------------------------------------


def notify(request: HttpRequest | None, *, user, event: str, left: int | None = None) -> None:
    """Mail the account holder about a change to their second factors, once the change is saved."""
    language = get_language() or settings.LANGUAGE_CODE
    at = timezone.now().isoformat()
    transaction.on_commit(
        lambda: send_two_factor_notice.enqueue(user_id=user.pk, event=event, at=at, language=language, left=left)
    )


def authenticator_start(*, user) -> TOTPDevice:
    """An unconfirmed authenticator for `user` to scan: the same one while
    they have not confirmed it, so reloading the page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def authenticator_confirm(request: HttpRequest, *, device: TOTPDevice, code: str) -> bool:
    """The first code from the app proves it was set up; the session is then verified."""
    code = normalise_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
        if not (code.isdigit() and device.verify_token(code)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _forget(request.user)
        record(
            by=request.user,
            action=audit_actions.SECOND_FACTOR_ADD,
            target=cast("User", request.user),  # verified: signed in
            details={"kind": "authenticator"},
        )
        notify(request, user=request.user, event="added")
    note_verified(request, device=device)
    end_other_sessions(user=request.user, keep_session_key=request.session.session_key)
    return True


def recovery_codes_new(*, user, now: datetime | None = None) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        record(by=user, action=audit_actions.RECOVERY_CODES_NEW, target=user, details={"count": len(codes)})
    return codes


def recovery_codes(user) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("pk")
        .values_list("token", flat=True)
    )


def _delete_devices(user) -> list[str]:
    kinds = []
    for device in list(django_otp.devices_for_user(user, confirmed=None)):
        kinds.append(device_kind(device))
        device.delete()
    _forget(user)
    return kinds


def authenticator_remove(request: HttpRequest, *, device: TOTPDevice | WebAuthnCredential) -> None:
    """One authenticator app or passkey goes; if it was the last factor but
    recovery codes, two-factor sign-in is off (codes alone are not a second
    factor). The account's other sessions end."""
    user = cast("User", request.user)  # signed in: never anonymous
    kind = device_kind(device)
    with transaction.atomic():
        device.delete()
        _forget(user)
        others = [d for d in django_otp.devices_for_user(user, confirmed=True) if not isinstance(d, StaticDevice)]
        if not others:
            _delete_devices(user)
        record(
            by=user,
            action=audit_actions.SECOND_FACTOR_REMOVE,
            target=user,
            details={"kind": kind, "two_factor_off": not others},
        )
        notify(request, user=user, event="removed" if not others else f"{kind}_removed")
    end_other_sessions(user=user, keep_session_key=request.session.session_key)


def two_factor_remove(request: HttpRequest) -> None:
    """Every second factor of the signed-in account goes."""
    user = cast("User", request.user)  # signed in: never anonymous
    with transaction.atomic():
        kinds = _delete_devices(user)
        record(by=user, action=audit_actions.SECOND_FACTOR_REMOVE, target=user, details={"kinds": kinds})
        notify(request, user=user, event="removed")
    request.session.pop(VERIFIED_AT, None)
    end_other_sessions(user=user, keep_session_key=request.session.session_key)


def two_factor_reset(*, user, by, reason: str) -> None:
    """Staff take away another account's second factors (a lost phone):
    the person enrols again at their next sign-in."""
    with transaction.atomic():
        kinds = _delete_devices(user)
        record(by=by, action=audit_actions.SECOND_FACTOR_RESET, target=user, reason=reason, details={"kinds": kinds})
        notify(None, user=user, event="reset")
    # Whoever holds the lost phone may be signed in with it somewhere.
    end_other_sessions(user=user, keep_session_key=None)
