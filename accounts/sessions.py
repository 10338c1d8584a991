"""How long a sign-in lasts, and keeping signed-in pages out of every cache.

A signed-in session expires SESSION_COOKIE_AGE after it was last saved;
this middleware saves it again when it is used, at most every few minutes
(not on every request, which would be a write per page), so it ends after
that long idle; and it ends sessions older than PLEA_SESSION_ABSOLUTE_AGE
from the sign-in, however active. A password change ends every other
session through Django's session auth hash."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from accounts.sign_in import SIGNED_IN_AT

SEEN_AT = "plea_seen_at"
# How stale the idle clock may be: 12 hours idle means 12 hours ± this.
SEEN_RESOLUTION = 5 * 60

# Pages that show or handle account data even to someone not yet signed in.
PRIVATE_NAMESPACES = {"admin", "organisers", "accounts"}
PRIVATE_URL_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "two_factor_manage",
    "two_factor_verify",
    "two_factor_enrol",
    "two_factor_authenticator_remove",
    "two_factor_recovery_codes",
    "two_factor_recovery_codes_new",
    "two_factor_remove",
    "two_factor_reset",
}


def _private(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is not None and (PRIVATE_NAMESPACES & set(match.namespaces) or match.url_name in PRIVATE_URL_NAMES):
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def account_sessions(get_response):
    def middleware(request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            now = int(time.time())
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if not isinstance(signed_in_at, int):
                # A session from before this limit (or a test's force_login).
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.PLEA_SESSION_ABSOLUTE_AGE:
                logout(request)
            if SESSION_KEY in request.session and now - (request.session.get(SEEN_AT) or 0) > SEEN_RESOLUTION:
                request.session[SEEN_AT] = now  # saving renews the idle expiry
        response = get_response(request)
        if _private(request) and "no-store" not in response.get("Cache-Control", ""):
            # Signer emails and contacts must not stay in a browser's or a
            # proxy's cache after the organiser has gone. (A view that said
            # no-store itself keeps its own header.)
            add_never_cache_headers(response)
        return response

    return middleware
