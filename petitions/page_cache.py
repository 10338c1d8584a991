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
call forget_now_and_on_commit(), which clears the page at once in a shared cache (Redis) and in
the current process with the local-memory cache; other processes' copies
expire within the TTL.

The middleware that answers strangers before URL resolution lives in
petitions/shared_page.py and reads the same cache entries, so it is
invalidated exactly as the view's page is.
"""

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from core import cache_refresh
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
    # Read by petitions.shared_page: this response is the shared page and nothing else.
    response.shared_page = (_key(slug, get_language()), slug)
    return response


def put(*, slug: str, html: str) -> None:
    cache.set(_key(slug, get_language()), html, settings.PLEA_PAGE_CACHE_SECONDS)


def _keys(slug: str) -> list[str]:
    return [_key(slug, code) for code, _name in settings.LANGUAGES]


def forget_now_and_on_commit(*, slug: str) -> None:
    """Forget the page now and again when the change commits, so a visitor
    rendering the page meanwhile cannot re-cache the old version."""
    cache_refresh.forget_now_and_on_commit(*_keys(slug))


def respond(html: str, *, slug: str) -> HttpResponse:
    """The shared page with a fresh start time for the sign form's minimum fill time."""
    return _served(HttpResponse(stamp_form_clock(html, slug=slug)), slug=slug)
