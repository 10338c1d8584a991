"""Encryption at rest for the few fields that could get someone hurt: how to
reach a family, what they told us. A database dump alone must not reveal them.

Values are sealed with Fernet (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package) under keys held outside the database:
PLEA_ENCRYPTION_KEYS, a comma-separated list whose first key encrypts and
every key decrypts (MultiFernet), so a key can be rotated without downtime:
put the new key first, run `manage.py rotate_encryption_keys`, then drop the
old one. Without the setting, a key is derived from DJANGO_SECRET_KEY with
HKDF, so development needs nothing; `check --deploy` warns (plea.W003) so a
production site keeps the two secrets apart.
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Fernet tokens are URL-safe base64 of a version byte 0x80 and a timestamp:
# every one starts with this, which tells a sealed value from plain text.
TOKEN_PREFIX = "gAAAAA"


class DecryptionFailed(Exception):
    """A stored value that none of the configured keys opens: a key was
    dropped before `rotate_encryption_keys` ran, or the data was tampered with."""


def _derived_key() -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"plea.encryption-at-rest")
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


def configured_keys() -> list[bytes]:
    keys = [key.strip().encode() for key in settings.PLEA_ENCRYPTION_KEYS if key.strip()]
    return keys or [_derived_key()]


@cache
def _sealer(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "PLEA_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes each), "
            "made with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from error


def sealer() -> MultiFernet:
    # Keyed on the key list, so a test or a rotation that changes the setting
    # gets a fresh MultiFernet rather than a stale one.
    return _sealer(tuple(configured_keys()))


def seal(text: str) -> str:
    return sealer().encrypt(text.encode()).decode("ascii")


def unseal(token: str) -> str:
    try:
        return sealer().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionFailed(
            "A sealed value could not be opened with PLEA_ENCRYPTION_KEYS. "
            "Was a key removed before `manage.py rotate_encryption_keys` ran?"
        ) from error


def reseal(token: str) -> str:
    """The same value sealed under the first key (MultiFernet.rotate)."""
    try:
        return sealer().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise DecryptionFailed("A sealed value could not be opened with PLEA_ENCRYPTION_KEYS.") from error


def seal_bytes(data: bytes) -> bytes:
    """A file's bytes sealed like a field: what stays of an uploaded PDF."""
    return sealer().encrypt(data)


def unseal_bytes(token: bytes) -> bytes:
    try:
        return sealer().decrypt(token)
    except InvalidToken as error:
        raise DecryptionFailed("A sealed file could not be opened with PLEA_ENCRYPTION_KEYS.") from error


class Sealed(str):
    """A value that is already a token (re-sealed by a rotation): stored as it is."""


class EncryptedTextField(models.TextField):
    """Text stored sealed. The empty string is stored as it is, so "no phone
    number" stays cheap to test for; every other value is a Fernet token,
    different each time it is written, so the column can neither be searched
    nor compared: only `isnull` and exact matches on "" make sense."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return unseal(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return str(value)
        value = super().get_prep_value(value)
        if not value:
            return value
        return seal(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
