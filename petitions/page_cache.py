"""Anonymous petition pages, served from the cache for a few seconds.

In a surge almost every request is a stranger reading one petition page, and
rendering it (the sign form's country list above all) costs far more than
serving it. So the page is rendered once per PLEA_PAGE_CACHE_SECONDS per
language and cache, and each visitor gets that HTML with a fresh start time
for the sign form. It carries no CSRF token and sets no cookie: its forms post
to views that ask the browser where the post came from
(core/cross_origin.py). A browser too old to say so gets its own token put
in, as Django would. The count and recent signers shown to strangers are therefore stale by
at most that many seconds; nobody else ever sees a cached page:

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
"""

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from core.cross_origin import browser_sends_fetch_metadata
from petitions.abuse import stamp_form_clock

# Rendered in place of the CSRF token, then swapped for an old browser's own
# token, or the whole field dropped. Letters and digits only, so template
# escaping leaves it as it is.
CSRF_PLACEHOLDER = "pleaCsrfPlaceholder7f3a9c"
CSRF_FIELD = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">'


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


def put(*, slug: str, html: str) -> None:
    cache.set(_key(slug, get_language()), html, settings.PLEA_PAGE_CACHE_SECONDS)


def forget(*, slug: str) -> None:
    cache.delete_many([_key(slug, code) for code, _name in settings.LANGUAGES])


def forget_now_and_on_commit(*, slug: str) -> None:
    """Forget the page now and again when the change commits, so a visitor
    rendering the page meanwhile cannot re-cache the old version."""
    forget(slug=slug)
    transaction.on_commit(lambda: forget(slug=slug))


def respond(request: HttpRequest, html: str) -> HttpResponse:
    """The shared page with a fresh start time for the sign form's minimum fill
    time; for a browser that sends no fetch metadata, also its own CSRF token
    (which sets its CSRF cookie, and with it `Vary: Cookie`)."""
    if browser_sends_fetch_metadata(request):
        html = html.replace(CSRF_FIELD, "")
    else:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(stamp_form_clock(html))  # Vary: Sec-Fetch-Site from core.cross_origin
