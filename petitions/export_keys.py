"""Exports of signers' addresses encrypted to a key their owner holds.

A petition's owner may register an age public key (`age1…`, made with
`age-keygen` or `rage-keygen`): the export of the addresses of signers who
asked for updates is then an age file for that key, so the file on a
laptop or in a mailbox is not a list in the clear, and Plea's servers can
make it but never read it again. age through pyrage (Rust's `rage` crate, a
maintained binding); any age tool opens it.
"""

import pyrage
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pyrage import x25519


def age_recipient(text: str) -> x25519.Recipient:
    try:
        return x25519.Recipient.from_str(text.strip())
    except (pyrage.RecipientError, ValueError):
        raise ValidationError(
            _("This is not an age public key. It starts with age1 and is printed by age-keygen."),
            code="invalid_age_key",
        ) from None


def validate_age_recipient(text: str) -> None:
    if text:
        age_recipient(text)


def encrypted_for(recipient: str, data: bytes) -> bytes:
    """`data` as an age file (binary) that only the recipient's key opens."""
    return pyrage.encrypt(data, [age_recipient(recipient)])
