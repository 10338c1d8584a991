"""How the open data (JSON API, Atom feeds, data set) is served: GET only,
readable from any origin, limited per client network, and from a few-second
cache like the petition page, so a surge of readers costs one render per
PLEA_PAGE_CACHE_SECONDS.

Nothing here depends on who asks: these responses carry no cookie, no token
and nothing personal, so one cached body serves everyone who asks for the same
path and query string (in the same language).
"""

import functools
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import rate_limits
from core.client_ip import client_ip_hash


def too_many_requests(request: HttpRequest, *, rule: str) -> HttpResponse | None:
    """A 429 when this client's network is over the rate-limit `rule`, else None."""
    exceeded = rate_limits.check(rule, key=client_ip_hash(request))
    if exceeded is None:
        return None
    body = {"detail": _("Too many requests from your network. Please wait a few minutes.")}
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(exceeded.seconds)
    return allow_any_origin(response)


def allow_any_origin(response: HttpResponse) -> HttpResponse:
    # Public data only, never with credentials: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _key(request: HttpRequest) -> str:
    where = f"{get_language()}|{request.get_host()}|{request.get_full_path()}"
    return "plea:open-data:" + hashlib.sha256(where.encode(errors="replace")).hexdigest()


def served_as_open_data(view: Callable | None = None, *, rule: str = "api"):
    """Wrap a view (or a django-ninja operation's run) so its successful GET
    responses are cached and shared, it is rate-limited per network by the
    named `rule`, and any origin may read it."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return allow_any_origin(HttpResponseNotAllowed(["GET", "HEAD"]))
            refused = too_many_requests(request, rule=rule)
            if refused is not None:
                return refused
            seconds = settings.PLEA_PAGE_CACHE_SECONDS
            cacheable = seconds > 0
            key = _key(request) if cacheable else ""
            stored = cache.get(key) if cacheable else None
            if stored is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if cacheable and response.status_code == 200 and not response.streaming:
                    cache.set(key, (response.content, response["Content-Type"]), seconds)
            if response.status_code == 200:
                response["Cache-Control"] = f"public, max-age={max(seconds, 0)}"
            return allow_any_origin(response)

        return serve

    return decorate(view) if view is not None else decorate
