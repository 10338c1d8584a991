"""Cross-site request forgery protection for forms strangers post from pages
that are the same for everyone (the petition page's sign form and the
language switcher on it).

Django's CSRF token makes each visitor's page unique: a token in the HTML and
a cookie to match. A petition page read by thousands a minute is served from a
shared cache instead (petitions/page_cache.py), and a page with no token is
also a page that sets no cookie on a visitor who may be watched. So these
views ask the browser where the form came from, as Go's
net/http.CrossOriginProtection does:

1. `Sec-Fetch-Site` (every current browser sends it, on every request):
   "same-origin", or "none" (typed or bookmarked), is accepted; "cross-site"
   and "same-site" are refused.
2. Without it, `Origin` (sent with every form POST by browsers since 2020):
   accepted only if it is this site's own origin or a trusted one.
3. Without either, an old browser or not a browser at all: Django's own
   token check, unchanged. Such browsers are given a token with the page
   (`browser_sends_fetch_metadata` is False for them), so nobody is locked out.

A forged cross-site post is refused in each case; a bot posting directly from
its own machine was never what CSRF protection stops (rate limits, the form
clock and email confirmation are).
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SAME_ORIGIN_SITES = frozenset({"same-origin", "none"})


def browser_sends_fetch_metadata(request: HttpRequest) -> bool:
    """Whether this browser tells us where its requests come from; when it
    does, its posts need no token."""
    return "HTTP_SEC_FETCH_SITE" in request.META


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def same_origin(request: HttpRequest) -> bool | None:
    """True when the browser says this request comes from our own pages, False
    when it says it comes from elsewhere, None when it says nothing."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site is not None:
        return site.strip().lower() in SAME_ORIGIN_SITES
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin in {_own_origin(request), *settings.CSRF_TRUSTED_ORIGINS}
    return None


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    return import_string(settings.CSRF_FAILURE_VIEW)(request, reason=reason)


def _no_response(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the CSRF check only inspects the request; it never passes it on")


def cross_origin_protected(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Accept a POST that the browser vouches for as coming from our own pages
    (or, failing that, that carries a valid CSRF token); refuse the rest with
    the CSRF failure page."""

    @csrf_exempt
    @wraps(view)
    def protected(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            verdict = same_origin(request)
            if verdict is False:
                return _refuse(request, "cross-origin request (Sec-Fetch-Site or Origin)")
            if verdict is None:
                # The original view, not the exempt wrapper: Django checks it.
                refused = CsrfViewMiddleware(_no_response).process_view(request, view, args, kwargs)
                if refused is not None:
                    return refused
        return view(request, *args, **kwargs)

    return protected


def vary_on_fetch_metadata(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware: every page's forms depend on whether the browser sends
    fetch metadata (it gets a CSRF field only if not), so say so to any cache
    in front (an operator's microcache must not hand a token-less page to an
    old browser)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["Sec-Fetch-Site"])
        return response

    return middleware
