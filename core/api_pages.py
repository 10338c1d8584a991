"""Pages of a list in the JSON API: the same numbers for every list, and a page
past the end is a 404 rather than an empty list or a database error. And the
errors every operation may answer with, so the schema documents them."""

from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, QueryDict
from ninja import Schema

# A page number above this is refused with a 400 by the schema, before any
# query: no list here has that many pages, and the database need not try.
MAX_PAGE = 100_000


class Problem(Schema):
    detail: str


# Petition slugs and case references are slugs: anything else is refused
# before it reaches the database (PostgreSQL refuses a NUL in a string).
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_MAX_LENGTH = 80

# Every operation: bad query values (400), no such thing (404), too many requests (429).
ERRORS = {400: Problem, 404: Problem, 429: Problem}


class Page(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


def page_of(
    request: HttpRequest, items, *, number: int, per_page: int, serialise: Callable[[Any], dict]
) -> dict[str, Any]:
    paginator = Paginator(items, per_page)
    try:
        page = paginator.page(number)  # an empty list still has its first page
    except EmptyPage:
        raise Http404("No such page.") from None

    def link(to: int) -> str:
        query = QueryDict(mutable=True)
        query.update(request.GET)
        query["page"] = str(to)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages if paginator.count else 0,
        "next": link(number + 1) if page.has_next() else None,
        "previous": link(number - 1) if page.has_previous() else None,
        "results": [serialise(item) for item in page.object_list],
    }
