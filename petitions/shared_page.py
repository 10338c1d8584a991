"""Strangers' petition pages answered before URL resolution and the other
middleware, from the page cache (petitions/page_cache.py).

SharedPageMiddleware, first in the stack, answers a stranger's GET of a page
that is in the cache before URL resolution and the other middleware: once the
full stack has answered that address, host and scheme with the shared page,
it knows the headers the stack adds (they depend on nothing else a stranger
sends), and from then on needs only the cache entry the view reads, so it is
invalidated exactly as the view's page is.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from petitions.abuse import stamp_form_clock

# (path, Host header, secure) -> (cache key, slug, the full stack's headers),
# for addresses the full stack has answered with the shared page. Bounded by
# the published petitions times languages times allowed hosts; the cap only
# guards against a misconfigured ALLOWED_HOSTS.
_answered: dict[tuple[str, str, bool], tuple[str, str, list[tuple[str, str]]]] = {}
_ANSWERED_MAX = 10_000


@receiver(setting_changed)
def _forget_answered(**kwargs) -> None:
    # The headers the stack adds come from settings (CSP, HSTS, frame options).
    _answered.clear()


def _from_a_stranger(request: HttpRequest) -> bool:
    """A GET that carries nothing of its own: no cookie (so no session, CSRF
    token, language choice or message), no query string."""
    meta = request.META
    return (
        request.method == "GET"
        and not meta.get("QUERY_STRING")
        and not meta.get("HTTP_COOKIE")
        and settings.PLEA_PAGE_CACHE_SECONDS > 0
    )


def _keyed_enough() -> bool:
    # With either setting the stack's answer depends on a header the address
    # does not hold (CommonMiddleware's user-agent check, the forwarded host).
    return not settings.DISALLOWED_USER_AGENTS and not settings.USE_X_FORWARDED_HOST


class SharedPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _from_a_stranger(request):
            return self.get_response(request)
        # The Host header as sent: only hosts the full stack has let through are ever stored.
        address = (request.path, request.META.get("HTTP_HOST", ""), request.is_secure())
        answered = _answered.get(address)
        if answered is not None:
            key, slug, headers = answered
            html = cache.get(key)
            if html is not None:
                return _as_the_stack_answered(stamp_form_clock(html, slug=slug), headers)
        response = self.get_response(request)
        shared_page = getattr(response, "shared_page", None)
        if shared_page is not None and response.status_code == 200 and not response.cookies and _keyed_enough():
            if len(_answered) >= _ANSWERED_MAX:
                _answered.clear()
            _answered[address] = (*shared_page, list(response.items()))
        return response


def _as_the_stack_answered(html: str, headers: list[tuple[str, str]]) -> HttpResponse:
    response = HttpResponse(html)
    for name, value in headers:
        # The length is the page's own; every other header as the stack set it, in its order.
        response.headers[name] = str(len(response.content)) if name == "Content-Length" else value
    return response
