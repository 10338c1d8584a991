"""Checks that keep automated signing out of the count: a honeypot field,
a minimum time to fill the form, disposable addresses, and rate limits."""

import functools
import math
import time
from enum import StrEnum

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.core import signing

from core import rate_limits

FORM_CLOCK_SALT = "plea.sign-form-started"
REFUSED_TALLY = "sign-refused"
HOUR = 3600


class FormTiming(StrEnum):
    HUMAN = "human"
    TOO_FAST = "too_fast"
    MISSING = "missing"  # absent, forged, expired, or served for another petition


# The empty sign form is rendered with this in place of its start token;
# every response then gets a fresh one stamped in, for its petition.
STARTED_PLACEHOLDER = "pleaFormClockPlaceholder4e1b"


def stamp_form_clock(html: str, *, slug: str) -> str:
    return html.replace(STARTED_PLACEHOLDER, form_started_token(slug=slug))


def form_started_token(*, slug: str, at: float | None = None) -> str:
    """When the sign form of this petition was shown, signed. Whole seconds,
    rounded up, so a form never looks older than it is; and so one token
    serves every page of a petition handed out in the same second (a surge's
    worth), signed once. Bound to the petition by its slug, which the page
    already knows without reading the database."""
    return _signed_second(math.ceil(time.time() if at is None else at), slug, settings.SECRET_KEY)


@functools.lru_cache(maxsize=64)
def _signed_second(second: int, slug: str, secret_key: str) -> str:
    # secret_key is part of the cache key only: a rotated key signs anew.
    return signing.dumps([second, slug], salt=FORM_CLOCK_SALT)


def form_timing(token: str, *, slug: str, now: float | None = None) -> FormTiming:
    """Whether this petition's form was filled in at a person's pace: not
    faster than PLEA_MIN_FILL_SECONDS, not older than PLEA_FORM_MAX_AGE."""
    try:
        started, bound_to = signing.loads(token, salt=FORM_CLOCK_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return FormTiming.MISSING
    if not isinstance(started, int | float) or bound_to != slug:
        return FormTiming.MISSING
    now = time.time() if now is None else now
    if now - started > settings.PLEA_FORM_MAX_AGE:
        return FormTiming.MISSING
    minimum = settings.PLEA_MIN_FILL_SECONDS
    # With the check off (0), a start time rounded up past `now` is no reason to refuse.
    return FormTiming.TOO_FAST if minimum > 0 and now - started < minimum else FormTiming.HUMAN


def is_disposable(key: str) -> bool:
    """Whether a normalised address (petitions.email_keys.email_key) is at a
    throwaway-mail domain or a subdomain of one. Normalised, because that is
    where the mail goes: MAILINATOR.com typed in fullwidth letters is mailinator.com."""
    parts = key.rpartition("@")[2].split(".")
    return any(".".join(parts[index:]) in DISPOSABLE_DOMAINS for index in range(len(parts) - 1))


def _limits(name: str, pairs: list[tuple[int, int]]) -> list[rate_limits.Limit]:
    return [rate_limits.Limit(f"{name}-{seconds}", count, seconds) for count, seconds in pairs]


def sign_allowed(*, petition_id: int, ip_hash: str) -> bool:
    """Count a signing attempt from this address; False once it is over a limit."""
    exceeded = rate_limits.hit(
        *_limits("sign-petition", settings.PLEA_SIGN_LIMITS_PER_PETITION), key=f"{petition_id}:{ip_hash}"
    ) or rate_limits.hit(*_limits("sign-ip", settings.PLEA_SIGN_LIMITS_PER_IP), key=ip_hash)
    if exceeded:
        rate_limits.count_event(REFUSED_TALLY, key=str(petition_id), seconds=HOUR)
    return exceeded is None


def resend_allowed(*, ip_hash: str) -> bool:
    return rate_limits.hit(*_limits("resend-ip", settings.PLEA_RESEND_LIMITS_PER_IP), key=ip_hash) is None


def refused_in_last_day(*, petition_id: int) -> int:
    """Signing attempts refused by rate limits in the last 24 hours, for organisers."""
    return rate_limits.tally(REFUSED_TALLY, key=str(petition_id), seconds=HOUR, windows=24)
