"""Passkeys and security keys (WebAuthn) with django-otp-webauthn: as a
second factor after the password, and as a sign-in of their own
("passwordless": a passkey that checks its holder, by fingerprint or PIN,
is two factors in one).

The library does the WebAuthn ceremonies and the cryptography (py_webauthn);
its four JSON endpoints are wrapped here so that a passkey behaves like
every other second factor (accounts.two_factor):

- every successful use goes through `two_factor.note_verified` (freshness,
  audit) and counts against the same throttle as a typed code;
- a passwordless sign-in counts against the sign-in throttle of the client's
  network, stamps the session like a password sign-in, and mails the holder
  when it comes from a new browser;
- adding one asks for a fresh second factor first (when the account has
  one), and adding or removing one is audited, mailed, and ends the
  account's other sessions.

Passkeys belong to SITE_URL's host (settings.OTP_WEBAUTHN_RP_ID); with
PLEA_PASSKEYS off (an IP address or plain http other than localhost) the
endpoints answer 404 and the pages offer none.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as library
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from accounts import audit_actions, browsers, sessions, sign_in, two_factor, two_factor_views
from accounts.audit import record
from accounts.tasks import send_new_device_notice
from accounts.two_factor_views import SHOW_CODES_SECONDS, SHOW_CODES_UNTIL


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")


class PasskeyHelper(WebAuthnHelper):
    """Names each new passkey after the browser it was made in, so the list
    on the manage page says which is which."""

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        browser = browsers.describe(self.request.headers.get("User-Agent", ""))
        if browser.name and browser.system:
            device.name = _("%(browser)s on %(system)s") % {"browser": browser.name, "system": browser.system}
        else:
            device.name = browser.name or browser.system or _("Passkey")
        return device


class PasskeysOff(exceptions.OTPWebAuthnApiError):
    status_code = 404
    default_detail = gettext_lazy("Passkeys are not available on this site.")
    default_code = "passkeys_off"


class NotFresh(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = gettext_lazy("Confirm it is you with your second factor first, then add the passkey.")
    default_code = "not_fresh"


class Throttled(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = gettext_lazy("Too many attempts. Wait 15 minutes and try again.")
    default_code = "throttled"


class _PasskeysOn:
    def initial(self, request, *args, **kwargs):
        if not settings.PLEA_PASSKEYS:
            raise PasskeysOff()
        super().initial(request, *args, **kwargs)


class _FreshToRegister:
    def check_can_register(self):
        # Adding a factor changes how the account signs in: the same fresh
        # check as adding an authenticator app.
        if two_factor.has_second_factor(self.request.user) and not two_factor.is_fresh(self.request):
            raise NotFresh()


class RegistrationBegin(_PasskeysOn, _FreshToRegister, library.BeginCredentialRegistrationView):
    pass


class RegistrationComplete(_PasskeysOn, _FreshToRegister, library.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        request = self.request
        user = request.user
        had_second_factor = two_factor.has_second_factor(user)
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            device = passkeys_of(user).get(pk=json.loads(response.content)["id"])
            record(by=user, action=audit_actions.SECOND_FACTOR_ADD, target=user, details={"kind": "passkey"})
            two_factor.notify(request, user=user, event="passkey_added")
            if not two_factor.recovery_codes_left(user):
                # A passkey lives on one device: the codes are the way back in without it.
                two_factor.recovery_codes_new(user=user)
                request.session[SHOW_CODES_UNTIL] = int(time.time()) + SHOW_CODES_SECONDS
        two_factor._forget(user)
        if not had_second_factor:
            two_factor.note_verified(request, device=device)
        sessions.end_other_sessions(user=user, keep_session_key=request.session.session_key)
        return response


class AuthenticationBegin(_PasskeysOn, library.BeginCredentialAuthenticationView):
    pass


class AuthenticationComplete(_PasskeysOn, library.CompleteCredentialAuthenticationView):
    """As a second factor (signed in with the password) or alone."""

    def post(self, *args, **kwargs):
        request = self.request
        self.signed_in = None
        if request.user.is_authenticated:
            try:
                attempt = two_factor.code_attempt(request)
            except two_factor.TooManyCodes:
                raise Throttled() from None
        else:
            try:
                attempt = sign_in.attempt(request, username=None)
            except sign_in.SignInRefused:
                raise Throttled() from None
        response = super().post(*args, **kwargs)
        attempt.succeeded()
        if self.signed_in is not None:
            user, new_device = self.signed_in
            sign_in.remember_device(request, response, user.get_username())
            if new_device:
                send_new_device_notice.enqueue(
                    user_id=user.pk,
                    browser=request.headers.get("User-Agent", "")[:200],
                    at=timezone.now().isoformat(),
                    language=get_language() or settings.LANGUAGE_CODE,
                )
        return response

    def complete_auth(self, device) -> None:
        request = self.request
        if not request.user.is_authenticated:
            user = authenticate(request, webauthn_credential=device)
            if user is None:
                raise exceptions.UserDisabled()
            new_device = not sign_in.known_device(request, user.get_username())
            login(request, user)
            # For the absolute session lifetime, as a password sign-in (accounts.sessions).
            request.session[sign_in.SIGNED_IN_AT] = int(time.time())
            self.signed_in = (user, new_device)
        two_factor.note_verified(request, device=device)


@login_required
@require_GET
def passkey_added(request: HttpRequest) -> HttpResponse:
    """Where the manage page's script goes once a passkey is saved: to the
    recovery codes made with a first passkey, or back to the list."""
    messages.success(request, _("The passkey is added. You can sign in with it now."))
    if (request.session.get(SHOW_CODES_UNTIL) or 0) > time.time():
        return redirect("two_factor_recovery_codes")
    return redirect("two_factor_manage")


@require_POST
@login_required
@two_factor.fresh_second_factor_required
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Like removing an authenticator app: the password again, audited, mailed."""
    device = get_object_or_404(passkeys_of(request.user), pk=pk)
    if two_factor_views._password_confirmed(request):
        two_factor.authenticator_remove(request, device=device)
        messages.success(request, _("The passkey was removed."))
    return redirect("two_factor_manage")
