"""Small helpers named after states, for the organisers' tests."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from organisers.access import CASE_EDITORS_GROUP, ORGANISERS_GROUP
from petitions.email_keys import email_key
from petitions.models import Organiser, Petition, Signature

_numbers = itertools.count(1)

PASSWORD = "a-long-test-password-1"


def user(name: str | None = None, *, staff: bool = False, groups: tuple[str, ...] = (), password: bool = False):
    """An account; with no usable password unless asked, because hashing one
    takes a deliberate half second and most tests log in with force_login."""
    name = name or f"user{next(_numbers)}"
    account = get_user_model().objects.create_user(
        username=name, email=f"{name}@example.org", password=PASSWORD if password else None, is_staff=staff
    )
    for group in groups:
        account.groups.add(Group.objects.get_or_create(name=group)[0])
    return account


def organiser_user(name: str | None = None):
    return user(name, groups=(ORGANISERS_GROUP,))


def case_editor(name: str | None = None):
    return user(name, groups=(CASE_EDITORS_GROUP,))


def draft_petition(**fields) -> Petition:
    n = next(_numbers)
    defaults = {
        "slug": f"petition-{n}",
        "title": f"Free prisoner {n}",
        "addressed_to": "The authorities",
        "organiser_name": "Their family",
        "story": "Their story.",
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


def with_role(petition: Petition, account, role: str = Organiser.Role.OWNER) -> Organiser:
    return Organiser.objects.create(petition=petition, user=account, role=role)


def owner_of(petition: Petition, name: str | None = None):
    account = organiser_user(name)
    with_role(petition, account, Organiser.Role.OWNER)
    return account


def moderator_of(petition: Petition, name: str | None = None):
    account = organiser_user(name)
    with_role(petition, account, Organiser.Role.MODERATOR)
    return account


def pending_signature(petition: Petition, *, email: str | None = None, **fields) -> Signature:
    n = next(_numbers)
    email = email or f"signer{n}@example.org"
    key = email_key(email)
    defaults = {
        "full_name": f"Signer {n}",
        "email": email,
        "email_key": key,
        "email_domain": key.rpartition("@")[2],
        "country": "PK",
        "ip_hash": "a" * 64,
    }
    return Signature.objects.create(petition=petition, **{**defaults, **fields})


def confirmed_signature(petition: Petition, **fields) -> Signature:
    signature = pending_signature(petition, **fields)
    signature.confirm()
    return signature


def public_signature(petition: Petition, **fields) -> Signature:
    return confirmed_signature(petition, **{"show_publicly": True, "reason": "Because it is right.", **fields})


def invalidated_signature(petition: Petition, **fields) -> Signature:
    signature = confirmed_signature(petition, **fields)
    signature.invalidate(reason="spam")
    return signature


def withdrawn_signature(petition: Petition, **fields) -> Signature:
    signature = confirmed_signature(petition, **fields)
    signature.withdraw()
    return signature


def hidden_signature(petition: Petition, **fields) -> Signature:
    signature = public_signature(petition, **fields)
    signature.hide()
    return signature


def assert_count_exact(petition: Petition) -> None:
    petition.refresh_from_db()
    actual = Signature.objects.filter(petition=petition).counted().count()
    assert petition.signature_count == actual, (petition.signature_count, actual)


def now():
    return timezone.now()
