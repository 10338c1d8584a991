"""Small helpers named after states, for the organisers' tests."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import CASE_EDITORS_GROUP, ORGANISERS_GROUP
from petitions.models import Organiser, Petition

# Petitions and signatures come from one place for every test.
from tests.petitions.factories import (  # noqa: F401 - re-exported for the organisers' tests
    assert_count_exact,
    closed_petition,
    confirmed_signature,
    draft_petition,
    hidden_signature,
    invalidated_signature,
    open_petition,
    pending_signature,
    public_signature,
    withdrawn_signature,
)

_numbers = itertools.count(1)

PASSWORD = "a-long-test-password-1"


def user(name: str | None = None, *, staff: bool = False, groups: tuple[str, ...] = (), password: bool = False):
    """An account; with no usable password unless asked, because hashing one
    takes a deliberate half second and most tests log in with force_login."""
    name = name or f"user{next(_numbers)}"
    account = get_user_model().objects.create_user(
        username=name,
        email=f"{name}@example.org",
        password=PASSWORD if password else None,
        # Plea's staff are superusers; Django's is_staff alone only opens the admin.
        is_staff=staff,
        is_superuser=staff,
    )
    for group in groups:
        account.groups.add(Group.objects.get_or_create(name=group)[0])
    return account


def organiser_user(name: str | None = None):
    return user(name, groups=(ORGANISERS_GROUP,))


def case_editor(name: str | None = None):
    """As an invitation makes one: in the admin, for cases only."""
    account = user(name, groups=(CASE_EDITORS_GROUP,))
    account.is_staff = True
    account.save(update_fields=["is_staff"])
    return account


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


def now():
    return timezone.now()
