"""Who may do what. Per petition: owners and moderators (Organiser.Role);
across the site: staff, the Organisers group (may start petitions) and the
Case editors group (curate cases)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cases.apps import CASE_EDITORS_GROUP
from petitions.models import Organiser, Petition

ORGANISERS_GROUP = "Organisers"

OWNER = Organiser.Role.OWNER
MODERATOR = Organiser.Role.MODERATOR
# Owners can do everything moderators can.
MODERATING_ROLES = (OWNER, MODERATOR)
OWNING_ROLES = (OWNER,)


def is_site_staff(user) -> bool:
    """Plea's staff run the whole site: every petition, invitations, the full
    audit log. Django's `is_staff` only opens the admin (case editors need it
    to curate cases) and gives no power over petitions."""
    return user.is_authenticated and user.is_active and user.is_superuser


def in_group(user, name: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=name).exists()


def is_organiser(user) -> bool:
    """May use the dashboard and start petitions."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_site_staff(user) or in_group(user, ORGANISERS_GROUP) or Organiser.objects.filter(user=user).exists()


def is_case_editor(user) -> bool:
    return user.is_authenticated and user.is_active and (is_site_staff(user) or in_group(user, CASE_EDITORS_GROUP))


def role_on(user, petition: Petition) -> str | None:
    """The user's role on the petition; staff count as owners."""
    if is_site_staff(user):
        return OWNER
    return Organiser.objects.filter(user=user, petition=petition).values_list("role", flat=True).first()


def petition_for(request: HttpRequest, slug: str, *, roles: tuple[str, ...] = MODERATING_ROLES) -> Petition:
    """The petition at `slug` if the user organises it: 404 for anyone who
    does not (so nobody learns a draft exists), 403 for an organiser whose
    role does not allow the action."""
    petition = get_object_or_404(Petition.objects.organised_by(request.user), slug=slug)
    if role_on(request.user, petition) not in roles:
        raise PermissionDenied(_("Only the petition's owners may do this."))
    return petition
