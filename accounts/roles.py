"""Who may do what. Across the site: staff (superusers), the Organisers group
(may start petitions) and the Case editors group (curate cases); per petition:
owners and moderators (the roles a petitions.Organiser row holds)."""

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
    # petition_roles: the user's petitions.Organiser rows, reached through the
    # relation so that this app imports no other.
    return is_site_staff(user) or in_group(user, ORGANISERS_GROUP) or user.petition_roles.exists()


def is_case_editor(user) -> bool:
    return user.is_authenticated and user.is_active and (is_site_staff(user) or in_group(user, CASE_EDITORS_GROUP))
