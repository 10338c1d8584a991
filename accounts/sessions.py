"""How long a sign-in lasts, which sign-ins an account has, and keeping
signed-in pages out of every cache.

A signed-in session expires SESSION_COOKIE_AGE after it was last saved;
this middleware saves it again when it is used, at most every few minutes
(not on every request, which would be a write per page), so it ends after
that long idle; and it ends sessions older than PLEA_SESSION_ABSOLUTE_AGE
from the sign-in, however active.

Django's session stores cannot list an account's sessions, so every
sign-in also gets a SignedInSession row (made on user_logged_in, deleted on
user_logged_out, its last-seen time moved with the session's own). The
session carries the row's random token, and the row is its licence: a
signed-in request whose row has gone is signed out there and then, and its
session data deleted from the store. So "sign out everywhere else" deletes
rows, and works alike with the database, cache or signed-cookie session
engines (the settings use the database's); the data of an ended session
that never comes back stays in the store until it expires, when Django's
`clearsessions` removes it. A password change ends every other session
through Django's session auth hash, and deletes their rows here.
"""

import secrets
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from accounts import audit, audit_actions, browsers, public_pages
from accounts.models import SignedInSession

# When the session signed in (seconds since the epoch), for the absolute limit.
SIGNED_IN_AT = "plea_signed_in_at"
SEEN_AT = "plea_seen_at"
# The token of the session's SignedInSession row.
SESSION_ROW = "plea_session_row"
# How stale the idle clock may be: 12 hours idle means 12 hours ± this.
SEEN_RESOLUTION = 5 * 60


def _private(request: HttpRequest) -> bool:
    """Every response to someone signed in, and every page that is not public
    (sign-in, password reset, the second step, organiser and admin pages, and
    any page added later) whoever asks."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return not public_pages.is_public(request.resolver_match)


def session_started(*, request: HttpRequest, user) -> None:
    """A sign-in (user_logged_in): list it on the account's page."""
    now = timezone.now()
    previous = request.session.get(SESSION_ROW)
    browser = browsers.describe(request.headers.get("User-Agent", ""))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if isinstance(previous, str):  # the same account signing in again in this browser
            SignedInSession.objects.filter(token=previous).delete()
        # Every sign-in sweeps away the rows of sessions that expired unseen.
        SignedInSession.objects.expired(now).delete()
        SignedInSession.objects.create(
            user=user,
            token=token,
            signed_in_at=now,
            last_seen_at=now,
            browser=browser.name,
            system=browser.system,
        )
    request.session[SESSION_ROW] = token
    request.session[SEEN_AT] = int(time.time())


def session_ended(*, request: HttpRequest) -> None:
    """A sign-out (user_logged_out): the session leaves the list."""
    token = getattr(request, "session", {}).get(SESSION_ROW)
    if isinstance(token, str):
        SignedInSession.objects.filter(token=token).delete()


def current_token(request: HttpRequest) -> str | None:
    token = request.session.get(SESSION_ROW)
    return token if isinstance(token, str) else None


def _token_of(session_key: str | None) -> str | None:
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    token = store.get(SESSION_ROW)
    return token if isinstance(token, str) else None


def end_other_sessions(*, user, keep_session_key: str | None) -> int:
    """End every session of `user` but the one with this key (None: all of
    them). Each is signed out at its next request. Returns how many."""
    rows = SignedInSession.objects.filter(user=user)
    keep = _token_of(keep_session_key)
    if keep is not None:
        rows = rows.exclude(token=keep)
    ended, _ = rows.delete()
    return ended


def signed_in_session_end(*, by, signed_in_session: SignedInSession) -> None:
    """The account holder signs one of their sessions out from the account page."""
    with transaction.atomic():
        audit.record(
            by=by,
            action=audit_actions.SESSION_END,
            target_type="user",
            target_id=by.pk,
            details={
                "browser": signed_in_session.browser,
                "system": signed_in_session.system,
                "signed_in_at": signed_in_session.signed_in_at.isoformat(),
            },
        )
        signed_in_session.delete()


def signed_in_sessions_end_others(*, by, keep_session_key: str | None) -> int:
    """The account page's "sign out everywhere else"."""
    with transaction.atomic():
        ended = end_other_sessions(user=by, keep_session_key=keep_session_key)
        audit.record(
            by=by,
            action=audit_actions.SESSIONS_END_OTHERS,
            target_type="user",
            target_id=by.pk,
            details={"sessions": ended},
        )
    return ended


def _still_listed(request: HttpRequest, now: int) -> bool:
    """Whether this signed-in session's row is still there, moving its
    last-seen time when that is stale: one small query either way."""
    token = current_token(request)
    if token is None:
        # A session from before the list existed: listed from now on.
        session_started(request=request, user=request.user)
        return True
    rows = SignedInSession.objects.filter(token=token)
    if now - (request.session.get(SEEN_AT) or 0) > SEEN_RESOLUTION:
        if not rows.update(last_seen_at=timezone.now()):
            return False
        request.session[SEEN_AT] = now  # saving renews the idle expiry
        return True
    return rows.exists()


def account_sessions(get_response):
    def middleware(request: HttpRequest) -> HttpResponse:
        # request.user first: it is how Django drops a session whose
        # password has changed since.
        if SESSION_KEY in request.session and request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if not isinstance(signed_in_at, int):
                # A session from before this limit (or a test's force_login).
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.PLEA_SESSION_ABSOLUTE_AGE:
                logout(request)
            if SESSION_KEY in request.session and not _still_listed(request, now):
                # Signed out from another device (or the row expired).
                logout(request)
        response = get_response(request)
        if _private(request) and "no-store" not in response.get("Cache-Control", ""):
            # Signer emails and contacts must not stay in a browser's or a
            # proxy's cache after the organiser has gone. (A view that said
            # no-store itself keeps its own header.)
            add_never_cache_headers(response)
        return response

    return middleware
