"""Links in signers' emails: confirm (expiring), withdraw and unsubscribe
(not expiring).

A link names its signature by an encrypted token (Fernet: AES with an HMAC,
from the `cryptography` package), so a mail, a forwarded mail or a mail
scanner's log reveals neither the signature's row number nor how many people
signed before. The keys are derived from DJANGO_SECRET_KEY and its
fallbacks, so rotating the secret key the way Django documents keeps mailed
links working while the old key stays among SECRET_KEY_FALLBACKS.

Links mailed before the ids were encrypted (Django's signed values, which
carry the id in the clear) are still read, so a signer can always withdraw
from an old mail; none is made any more.
"""

import base64
import json
from enum import StrEnum
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
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


@cache
def _link_sealer(secrets: tuple[str, ...]) -> MultiFernet:
    def key(secret: str) -> Fernet:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"plea.signer-links")
        return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret.encode())))

    return MultiFernet([key(secret) for secret in secrets])


def _sealer() -> MultiFernet:
    return _link_sealer((settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS))


def make_token(*, signature_id: int, purpose: Purpose) -> str:
    payload = json.dumps([str(purpose), signature_id], separators=(",", ":")).encode()
    # Fernet's padding "=" is safe in a path; dropped all the same, as a
    # shorter link survives more mail clients' line wrapping.
    return _sealer().encrypt(payload).decode("ascii").rstrip("=")


def _opened(token: str, *, purpose: Purpose, ttl: int | None) -> int:
    padded = (token + "=" * (-len(token) % 4)).encode("ascii")
    payload = _sealer().decrypt(padded, ttl=ttl)
    value = json.loads(payload)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or value[0] != purpose
        or not isinstance(value[1], int)
        or isinstance(value[1], bool)
    ):
        raise LinkInvalid
    return value[1]


def _read_signed(token: str, *, purpose: Purpose, max_age: int | None) -> int:
    """A link in the older form: Django's signed value of the id."""
    try:
        value = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired:
        value = signing.loads(token, salt=_salt(purpose))
        if not isinstance(value, int) or isinstance(value, bool):
            raise LinkInvalid from None
        raise LinkExpired(value) from None
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise LinkInvalid from error
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value


def read_token(token: str, *, purpose: Purpose) -> int:
    """The signature id a token names. Raises LinkInvalid for anything forged
    or mangled, LinkExpired (carrying the id) for an authentic confirm link
    past its age, so the page can offer to send a fresh one."""
    max_age = settings.PLEA_CONFIRMATION_MAX_AGE if purpose is Purpose.CONFIRM else None
    if ":" in token:
        return _read_signed(token, purpose=purpose, max_age=max_age)
    try:
        return _opened(token, purpose=purpose, ttl=max_age)
    except InvalidToken:
        pass
    except (ValueError, UnicodeError) as error:
        raise LinkInvalid from error
    # Authentic but too old, or not ours at all: only the first is worth a fresh link.
    try:
        signature_id = _opened(token, purpose=purpose, ttl=None)
    except (InvalidToken, ValueError, UnicodeError) as error:
        raise LinkInvalid from error
    raise LinkExpired(signature_id)
