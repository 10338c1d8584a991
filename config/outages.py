"""When the database cannot be reached: a 503 page, never a 500.

A restart, a failover or a full connection pool leaves a request without its
database for a few seconds. The visitor is told to try again shortly (with
Retry-After, which load balancers and crawlers honour), and someone who was
signing gets their form back as they typed it: nothing was acknowledged, so
nothing is lost, and pressing Sign again records the signature.

Raised in a view, the error reaches `DatabaseOutageMiddleware`; raised in a
middleware (a session or a user read before the view), it reaches the 500
handler, which hands it here too. The page itself reads nothing from the
database: no user, no messages, no petition.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.forms import BooleanField
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
SIGN_URL_NAME = "sign"


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, UNREACHABLE)


def _sign_form_fields(request: HttpRequest) -> str:
    """The sign form as the person filled it in, if this was a signature."""
    match = request.resolver_match
    if request.method != "POST" or match is None or match.url_name != SIGN_URL_NAME:
        return ""
    from crispy_forms.utils import render_crispy_form

    from core.public_form import HONEYPOT  # config imports no app at import time
    from petitions.forms import SignForm

    form = SignForm()
    for name, field in form.fields.items():
        if name == HONEYPOT:
            continue
        is_box = isinstance(field, BooleanField)
        form.initial[name] = name in request.POST if is_box else request.POST.get(name, "")
    # Their own start time, not a fresh one: pressing Sign again at once is not "too fast".
    form.initial["started"] = request.POST.get("started", "")
    return render_crispy_form(form)


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    # The class only: a connection error's text names the database host.
    logger.warning("Database unreachable (%s) for %s %s", type(error).__name__, request.method, request.path)
    fields = _sign_form_fields(request)
    # With the request only for a form: its CSRF field for browsers that need one.
    html = render_to_string("503.html", {"sign_form_fields": fields}, request=request if fields else None)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return unavailable_response(request, exception)
        return None
