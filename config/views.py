"""Error pages in our look. Each says what went wrong in plain words."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from config.outages import is_database_outage, unavailable_response


def _error(request, status: int, title: str, message: str):
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("We could not understand that request."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("You do not have permission to see this page."))


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _("There is nothing at this address. It may have been removed, or the link may be mistyped."),
    )


def server_error(request):
    # A database outage met outside a view (a session read in a middleware) is
    # a 503 like any other; see config/outages.py.
    error = sys.exc_info()[1]
    if is_database_outage(error):
        return unavailable_response(request, error)
    # Rendered without the request: whatever broke (the database, a session)
    # must not break the error page too.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Your form expired"),
        _(
            "For your safety we could not accept this form: it was open too long, or cookies are blocked. "
            "Go back, reload the page and try again."
        ),
    )
