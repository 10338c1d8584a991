"""Which petition an organiser's page is about, and what they may do on it.
The roles themselves are in accounts.roles."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.roles import MODERATING_ROLES, OWNER, is_site_staff
from petitions.models import Organiser, Petition


def role_on(user, petition: Petition) -> str | None:
    """The user's role on the petition; staff count as owners. Remembered on
    the petition object, which lives for one request: a page asks for the
    role to let the user in and again to decide what to show."""
    known = petition.__dict__.setdefault("_roles_of", {})
    if user.pk not in known:
        if is_site_staff(user):
            known[user.pk] = OWNER
        else:
            known[user.pk] = (
                Organiser.objects.filter(user=user, petition=petition).values_list("role", flat=True).first()
            )
    return known[user.pk]


def petition_for(request: HttpRequest, slug: str, *, roles: tuple[str, ...] = MODERATING_ROLES) -> Petition:
    """The petition at `slug` if the user organises it: 404 for anyone who
    does not (so nobody learns a draft exists), 403 for an organiser whose
    role does not allow the action."""
    petition = get_object_or_404(Petition.objects.organised_by(request.user), slug=slug)
    if role_on(request.user, petition) not in roles:
        raise PermissionDenied(_("Only the petition's owners may do this."))
    return petition
