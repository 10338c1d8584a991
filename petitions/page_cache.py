"""Anonymous petition pages, served from the cache for a few seconds.

In a surge almost every request is a stranger reading one petition page, and
rendering it (the sign form's country list above all) costs far more than
serving it. So the page is rendered once per PLEA_PAGE_CACHE_SECONDS per
language and cache, and each visitor gets that HTML with a fresh start time
for the sign form. It carries no CSRF token and sets no cookie: its forms post
to views that ask the browser where the post came from
(core/cross_origin.py). The count and recent signers shown to strangers are
therefore stale by at most that many seconds; nobody else ever sees a cached
page:

- a visitor with messages waiting (someone who has just signed or confirmed,
  who must see their own signature counted) or who is logged in gets a fresh
  render;
- so does any request with a query string, because the page echoes its path
  (the language switcher's "next"), and one visitor's URL must not be shown to
  the next.

Changes to the petition itself (edits, closing, a withdrawn or hidden signer)
call forget(), which clears the page at once in a shared cache (Redis) and in
the current process with the local-memory cache; other processes' copies
expire within the TTL.

SharedPageMiddleware, first in the stack, answers a stranger's GET of a page
that is in the cache before URL resolution and the other middleware: once the
full stack has answered that address, host and scheme with the shared page,
it knows the headers the stack adds (they depend on nothing else a stranger
sends), and from then on needs only the cache entry the view reads, so it is
invalidated exactly as the view's page is.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from petitions.abuse import stamp_form_clock


def _key(slug: str, language: str) -> str:
    return f"plea:petition-page:{language}:{slug}"


def usable_for(request: HttpRequest) -> bool:
    """Whether this request may be answered with the shared page."""
    if settings.PLEA_PAGE_CACHE_SECONDS <= 0 or request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    if not request.COOKIES:
        return True  # a stranger: nobody is logged in, no message waits
    # Neither asks the database of a visitor who has no session cookie.
    return not request.user.is_authenticated and not len(get_messages(request))


def get(*, slug: str) -> str | None:
    return cache.get(_key(slug, get_language()))


def _served(response: HttpResponse, *, slug: str) -> HttpResponse:
    # Read by SharedPageMiddleware: this response is the shared page and nothing else.
    response.shared_page = (_key(slug, get_language()), slug)
    return response


def put(*, slug: str, html: str) -> None:
    cache.set(_key(slug, get_language()), html, settings.PLEA_PAGE_CACHE_SECONDS)


def forget(*, slug: str) -> None:
    cache.delete_many([_key(slug, code) for code, _name in settings.LANGUAGES])


def forget_now_and_on_commit(*, slug: str) -> None:
    """Forget the page now and again when the change commits, so a visitor
    rendering the page meanwhile cannot re-cache the old version."""
    forget(slug=slug)
    transaction.on_commit(lambda: forget(slug=slug))


def respond(html: str, *, slug: str) -> HttpResponse:
    """The shared page with a fresh start time for the sign form's minimum fill time."""
    return _served(HttpResponse(stamp_form_clock(html, slug=slug)), slug=slug)


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
