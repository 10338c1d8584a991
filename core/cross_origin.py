"""Cross-site request forgery protection for the forms strangers post from
pages that are the same for everyone: the petition page's sign form and the
language switcher.

Those pages are served from a shared cache and set no cookie on a reader who
may be watched, so they carry no CSRF token. The browser says instead where a
post comes from, and we follow the rules of Go's net/http.CrossOriginProtection:

1. `Sec-Fetch-Site` (every current browser sends it): "same-origin", or
   "none" (typed or bookmarked), passes; anything else is refused.
2. Without it, `Origin` (sent with every form POST by browsers since 2020):
   it must be this site's own origin or a trusted one (CSRF_TRUSTED_ORIGINS).
3. With neither, the request did not come from a browser on another site
   (such a browser would have said so) and passes. Forging it needs a client
   that is not a browser, which CSRF protection never stopped; rate limits,
   the form clock and email confirmation do.

A trusted origin also passes rule 1, as in Go. One difference: Go compares
`Origin` with the Host header only, because it cannot know the scheme; Django
knows it (SECURE_PROXY_SSL_HEADER), so http://our-host posting to https is
refused, as Django's own Origin check does.

Every other form keeps Django's token CSRF (CsrfViewMiddleware).
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_ORIGIN_SITES = frozenset({"same-origin", "none"})


def _trusted(origin: str | None) -> bool:
    return origin is not None and origin in settings.CSRF_TRUSTED_ORIGINS


def refusal(request: HttpRequest) -> str | None:
    """Why this request must be refused as cross-origin, or None if it may pass."""
    if request.method in SAFE_METHODS:
        return None
    origin = request.META.get("HTTP_ORIGIN")
    site = request.META.get("HTTP_SEC_FETCH_SITE", "")
    if site:
        if site in SAME_ORIGIN_SITES or _trusted(origin):
            return None
        return f"cross-origin request (Sec-Fetch-Site: {site})"
    if not origin:
        return None
    if origin == f"{request.scheme}://{request.get_host()}" or _trusted(origin):
        return None
    return "cross-origin request (Origin)"


def cross_origin_protected(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a cross-origin POST with the CSRF failure page; no token needed."""

    @csrf_exempt
    @wraps(view)
    def protected(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        reason = refusal(request)
        if reason is not None:
            return import_string(settings.CSRF_FAILURE_VIEW)(request, reason=reason)
        return view(request, *args, **kwargs)

    return protected
