"""One signature per person: the key under which an email address is unique
(and, at the end, the masked form of an address that moderators see).

An address is normalised in this fixed order, each step on what the one
before produced:

1. Unicode NFKC, on the whole address: fullwidth and other compatibility
   forms become the plain letters a mail server delivers to (GMAIL typed
   in fullwidth letters is GMAIL).
2. IDNA (2003, as mail software resolves a domain): every full stop a domain
   may be typed with (full stop, ideographic, fullwidth and halfwidth
   ideographic full stops: U+002E, U+3002, U+FF0E, U+FF61) separates labels; non-ASCII
   labels become `xn--` labels.
3. Lower case, local part and domain: no provider in the table below
   tells mailboxes apart by case.
4. A trailing dot of the domain goes (`gmail.com.` is `gmail.com`). This comes
   after IDNA, so an ideographic full stop at the end goes too.
5. A `+tag` is dropped for every domain (providers deliver tagged addresses
   to the untagged box).
6. The provider rules of PROVIDERS: the provider's own domains become one,
   and the characters it ignores in a login go.

Quoted local parts (`"victim"@gmail.com`) and domain literals
(`x@[127.0.0.1]`) are valid by the RFC but no person's provider hands them
out, and each could key one mailbox several ways: they are refused.
"""

import base64
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnsupportedAddress(ValueError):
    """A valid address we do not accept: a quoted local part or a domain literal."""


@dataclass(frozen=True)
class Provider:
    """A mail provider whose addresses alias one mailbox, as its own help pages say."""

    name: str
    domains: tuple[str, ...]  # the first is the one keys use
    # Characters of the login (before the @) the provider treats as another
    # (or, mapped to "", ignores).
    login_equivalents: dict[str, str]
    sources: tuple[str, ...]


PROVIDERS = (
    Provider(
        name="Gmail",
        domains=("gmail.com", "googlemail.com"),
        login_equivalents={".": ""},
        sources=(
            "https://support.google.com/mail/answer/7436150",  # dots don't matter in Gmail addresses
            # googlemail.com is the name Gmail had in Germany and the UK, one
            # account with gmail.com; merged before this table, and we found
            # no help page of Google's to cite for it.
        ),
    ),
    Provider(
        name="Proton Mail",
        domains=("proton.me", "protonmail.com", "protonmail.ch", "pm.me"),
        # "These characters are treated as transparent by our service."
        login_equivalents={".": "", "_": "", "-": ""},
        sources=(
            "https://proton.me/support/addresses-and-aliases",  # pm.me short address; protonmail.ch before 2016
            "https://proton.me/support/change-username",  # '.', '_' and '-' transparent; not case-sensitive
        ),
    ),
    Provider(
        name="Yandex Mail",
        domains=("yandex.ru", "ya.ru", "yandex.com", "yandex.kz", "yandex.by", "yandex.ua"),
        # Yandex "does not distinguish between a point and a hyphen".
        login_equivalents={".": "-"},
        sources=(
            "https://yandex.com/support/passport/authorization/registration.html",  # '.' and '-' the same
            "https://yandex.com/support/id/authorization/email.html",  # the username on all Yandex domains
            "https://yandex.com/support/domain/additional/mailbox-alias.xml",  # aliases reach the same mailbox
        ),
    ),
    Provider(
        name="iCloud Mail",
        domains=("icloud.com", "me.com", "mac.com"),
        login_equivalents={},
        # Whoever has an @me.com or @mac.com address has the @icloud.com one
        # with the same name; nobody else can.
        sources=("https://support.apple.com/118230",),
    ),
)

# Providers looked at and deliberately not merged, with why: a merge that is
# wrong would refuse a second person's signature.
NOT_MERGED = {
    "mail.ru, inbox.ru, list.ru, bk.ru, internet.ru (VK Mail)": (
        "Separate mailboxes as far as we can tell: a login is registered on one of these domains, and a "
        "login taken on mail.ru can be free on bk.ru for someone else. We found no help page of the "
        "provider saying they are one mailbox, so they are not merged; dots stay significant."
    ),
    "yandex.com.tr, narod.ru": "Not listed by Yandex's help pages we could read as aliases of every mailbox.",
}

_BY_DOMAIN = {domain: provider for provider in PROVIDERS for domain in provider.domains}


def email_key(email: str) -> str:
    """The key of the mailbox an address reaches (see the module's order)."""
    address = unicodedata.normalize("NFKC", email.strip())
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    if local.startswith('"') or '"' in local or "\\" in local:
        raise UnsupportedAddress("quoted local part")
    if domain.startswith("["):
        raise UnsupportedAddress("domain literal")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("not a domain name") from None
    local, domain = local.lower(), domain.lower().rstrip(".")
    if not domain:
        raise ValueError("not a domain name")
    local = local.split("+", 1)[0] or local
    provider = _BY_DOMAIN.get(domain)
    if provider is not None:
        domain = provider.domains[0]
        local = local.translate(str.maketrans(provider.login_equivalents)) or local
    return f"{local}@{domain}"


@cache
def _hash_key(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"plea.email-key")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def keyed(key: str) -> str:
    """What a signature stores of a normalised address (`Signature.email_key`):
    HMAC-SHA256 under PLEA_EMAIL_KEY, a key kept in the environment and out
    of the database and its backups. One mailbox gives one value, so
    one-per-person holds; whoever holds a dump but not the key cannot test a
    list of candidate addresses against it, as they could an unkeyed hash.
    Without the setting the key is derived from DJANGO_SECRET_KEY, and
    `check --deploy` warns (plea.W010)."""
    secret = _hash_key(settings.PLEA_EMAIL_KEY, settings.SECRET_KEY)
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def email_hash(email: str) -> str:
    """The keyed key of the mailbox an address reaches: `keyed(email_key(email))`."""
    return keyed(email_key(email))


def email_domain(key: str) -> str:
    return key.rpartition("@")[2]


MASK = "\u2022\u2022\u2022"  # •••


def masked_email(email: str) -> str:
    """`amina@gmail.com` → `a•••@gmail.com`: enough for a moderator to spot a
    pattern (a throwaway domain, the same initial), not enough to contact or
    identify the signer. Full addresses are for owners, audited."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return MASK if email else ""
    return f"{local[:1]}{MASK}@{domain}"
