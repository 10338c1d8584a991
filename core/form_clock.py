"""The form clock: when a public form was shown, signed and bound to what
it is for, so a script that posts at once, or replays one old page for
hours or on another form, is told to try again. Used by signing
(petitions.abuse) and by the forms families send (cases.intake_views)."""

import functools
import math
import time
from enum import StrEnum

from django.conf import settings
from django.core import signing

SALT = "plea.sign-form-started"


class FormTiming(StrEnum):
    HUMAN = "human"
    TOO_FAST = "too_fast"
    MISSING = "missing"  # absent, forged, expired, or served for another form


def started_token(*, scope: str | None, at: float | None = None) -> str:
    """When a form bound to `scope` was shown, signed. Whole seconds, rounded
    up, so a form never looks older than it is; and so one token serves
    every page of a scope handed out in the same second, signed once."""
    return _signed_second(math.ceil(time.time() if at is None else at), scope, settings.SECRET_KEY)


@functools.lru_cache(maxsize=64)
def _signed_second(second: int, scope: str | None, secret_key: str) -> str:
    # secret_key is part of the cache key only: a rotated key signs anew.
    return signing.dumps([second, scope], salt=SALT)


def timing(token: str, *, scope: str | None, now: float | None = None) -> FormTiming:
    """Whether the form was filled in at a person's pace: not faster than
    PLEA_MIN_FILL_SECONDS, not older than PLEA_FORM_MAX_AGE."""
    try:
        started, bound_to = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return FormTiming.MISSING
    if not isinstance(started, int | float) or bound_to != scope:
        return FormTiming.MISSING
    now = time.time() if now is None else now
    if now - started > settings.PLEA_FORM_MAX_AGE:
        return FormTiming.MISSING
    minimum = settings.PLEA_MIN_FILL_SECONDS
    # With the check off (0), a start time rounded up past `now` is no reason to refuse.
    return FormTiming.TOO_FAST if minimum > 0 and now - started < minimum else FormTiming.HUMAN
