"""What every organiser page asks of its visitor."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.roles import is_organiser


def organiser_required(view):
    """Logged in (else to the login page) and an organiser (else 403)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_organiser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
