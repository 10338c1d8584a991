"""Signed links in signers' emails: confirm (expiring) and withdraw (not expiring)."""

from enum import StrEnum

from django.conf import settings
from django.core import signing


class Purpose(StrEnum):
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"
    UNSUBSCRIBE = "unsubscribe"


class LinkExpired(Exception):
    def __init__(self, signature_id: int):
        super().__init__("link expired")
        self.signature_id = signature_id


class LinkInvalid(Exception):
    pass


def _salt(purpose: Purpose) -> str:
    return f"plea.signature.{purpose}"


def make_token(*, signature_id: int, purpose: Purpose) -> str:
    return signing.dumps(signature_id, salt=_salt(purpose), compress=False)


def read_token(token: str, *, purpose: Purpose) -> int:
    """The signature id a token names. Raises LinkInvalid for anything forged
    or mangled, LinkExpired (carrying the id) for an authentic confirm link
    past its age, so the page can offer to send a fresh one."""
    max_age = settings.PLEA_CONFIRMATION_MAX_AGE if purpose is Purpose.CONFIRM else None
    try:
        value = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired:
        value = signing.loads(token, salt=_salt(purpose))
        if not isinstance(value, int):
            raise LinkInvalid from None
        raise LinkExpired(value) from None
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise LinkInvalid from error
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value
