"""Test data named after the states it is in."""

import itertools
import time
from datetime import timedelta

from django.utils import timezone

from petitions import transparency
from petitions.abuse import form_started_token
from petitions.email_keys import email_key, keyed
from petitions.models import LogEntry, Petition, Signature

_serial = itertools.count(1)


def draft_petition(**fields) -> Petition:
    n = next(_serial)
    defaults = {
        "slug": f"petition-{n}",
        "title": f"Petition number {n}",
        "addressed_to": "The decision maker",
        "organiser_name": "A campaign",
        "story": "Release them.",
    }
    return Petition.objects.create(**{**defaults, **fields})


def open_petition(**fields) -> Petition:
    petition = draft_petition(**fields)
    petition.open()
    return petition


def closed_petition(**fields) -> Petition:
    petition = open_petition(**fields)
    petition.close()
    return petition


def pending_signature(petition: Petition, *, email: str | None = None, **fields) -> Signature:
    n = next(_serial)
    email = email or f"signer{n}@example.org"
    key = email_key(email)
    defaults = {
        "full_name": f"Signer {n}",
        "email": email,
        "email_key": keyed(key),
        "email_domain": key.rpartition("@")[2],
        "country": "PK",
        "ip_hash": "a" * 64,
        "created_at": timezone.now(),
    }
    return Signature.objects.create(petition=petition, **{**defaults, **fields})


def confirmed_signature(petition: Petition, **fields) -> Signature:
    signature = pending_signature(petition, **fields)
    # On a petition that has stopped, confirmed in its last minute of signing.
    ended = petition.signing_ended_at()
    signature.confirm(now=ended - timedelta(minutes=1) if ended else None)
    petition.refresh_from_db()
    return signature


def withdrawn_signature(petition: Petition, **fields) -> Signature:
    signature = confirmed_signature(petition, **fields)
    signature.withdraw()
    petition.refresh_from_db()
    return signature


def public_signature(petition: Petition, **fields) -> Signature:
    return confirmed_signature(petition, **{"show_publicly": True, "reason": "Because it is right.", **fields})


def invalidated_signature(petition: Petition, **fields) -> Signature:
    signature = confirmed_signature(petition, **fields)
    signature.invalidate(reason="spam")
    petition.refresh_from_db()
    return signature


def hidden_signature(petition: Petition, **fields) -> Signature:
    signature = public_signature(petition, **fields)
    signature.hide()
    return signature


def assert_count_exact(petition: Petition) -> None:
    petition.refresh_from_db()
    actual = Signature.objects.filter(petition=petition).counted().count()
    assert petition.signature_count == actual, (petition.signature_count, actual)
    assert_log_counts(petition)


def assert_log_counts(petition: Petition) -> None:
    """The transparency log, read from its first entry, counts what the petition's counters say."""
    petition.refresh_from_db()
    log = transparency.replay(
        LogEntry.objects.filter(petition=petition).order_by("index").values_list("text", "signature_id")
    )
    assert log.size == petition.log_size
    assert (log.online, log.paper) == (petition.signature_count, petition.paper_signature_count)


_addresses = itertools.count(1)


def sign_form(petition: Petition, **changes) -> dict:
    """What a person's browser posts: the petition's form shown a minute ago, filled in."""
    data = {
        "full_name": "Amina Yusuf",
        "email": "amina@example.org",
        "country": "PK",
        "reason": "",
        "started": form_started_token(slug=petition.slug, at=time.time() - 60),
    }
    return {**data, **changes}


def another_address() -> str:
    """A client address no other request in the test has used."""
    n = next(_addresses)
    return f"198.51.{n // 250}.{n % 250 + 1}"
