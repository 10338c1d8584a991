"""Who may do what. Across the site: staff (superusers), the Organisers group
(may start petitions) and the Case editors group (curate cases); per record
of the app that gives roles (petitions): owners and moderators.

This app may not reach that one (not by import, model string or reverse
relation), so the app that holds the roles registers a `RoleProvider` here
(`register_role_provider`) and every check below asks it."""

from collections.abc import Collection
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

ORGANISERS_GROUP = "Organisers"
CASE_EDITORS_GROUP = "Case editors"


class PetitionRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")


OWNER = PetitionRole.OWNER
MODERATOR = PetitionRole.MODERATOR
# Owners can do everything moderators can.
MODERATING_ROLES = (OWNER, MODERATOR)
OWNING_ROLES = (OWNER,)


class RoleProvider(Protocol):
    """What the app that gives people roles on its records tells this one.
    Its records are named here as audit subjects and invitations store them:
    `subject_type` ("app_label.model") and the record's pk as text."""

    subject_type: str

    def holds_role(self, user, *, roles: Collection[str]) -> bool:
        """Whether the account holds one of `roles` on any record."""

    def subject_ids(self, user, *, roles: Collection[str]) -> models.QuerySet:
        """The records on which the account holds one of `roles`: one column of pks as text."""

    def subjects(self) -> models.QuerySet:
        """Every record one may be given a role on, in the order a list shows them."""

    def grant(self, *, user, subject_id: str, role: str) -> None:
        """Give the account `role` on the record (an accepted invitation); a role held stays."""


_provider: RoleProvider | None = None


def register_role_provider(provider: RoleProvider) -> None:
    global _provider  # set once, from the providing app's ready()
    if _provider is not None and _provider.subject_type != provider.subject_type:
        raise ImproperlyConfigured(f"A role provider is registered already ({_provider.subject_type}).")
    _provider = provider


def role_provider() -> RoleProvider | None:
    return _provider


def holds_role(user, *, roles: Collection[str] = MODERATING_ROLES) -> bool:
    """Holds one of `roles` on some record (a petition)."""
    if not user.is_authenticated or _provider is None:
        return False
    return _provider.holds_role(user, roles=roles)


def is_site_staff(user) -> bool:
    """Plea's staff run the whole site: every petition, invitations, the full
    audit log. Django's `is_staff` only opens the admin (case editors need it
    to curate cases) and gives no power over petitions."""
    return user.is_authenticated and user.is_active and user.is_superuser


def in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    # One query per request for all of a user's groups, however many checks ask.
    names = getattr(user, "_plea_group_names", None)
    if names is None:
        names = user._plea_group_names = frozenset(user.groups.values_list("name", flat=True))
    return name in names


def may_start_petitions(user) -> bool:
    """A grant from the site's staff (the Organisers group), never a side
    effect of holding a role on someone else's petition."""
    return user.is_authenticated and user.is_active and (is_site_staff(user) or in_group(user, ORGANISERS_GROUP))


def is_organiser(user) -> bool:
    """May use the dashboard: starts petitions or holds a role on one."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_site_staff(user) or in_group(user, ORGANISERS_GROUP) or holds_role(user, roles=MODERATING_ROLES)


def is_case_editor(user) -> bool:
    return user.is_authenticated and user.is_active and (is_site_staff(user) or in_group(user, CASE_EDITORS_GROUP))
