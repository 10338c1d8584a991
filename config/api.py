"""The public, read-only JSON API (django-ninja), mounted at /api/v1/.

Its OpenAPI schema is at /api/v1/openapi.json; the documentation page
(/<language>/open-data/) is drawn on the server from that schema, so nothing
is loaded from another site. Every operation is served through
core.public_data: cached for a few seconds, limited per address, readable
from any origin. Answers are in English whatever the visitor's language, so
that one cached answer serves everyone.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from cases.api import router as cases_router
from core.public_data import served_as_open_data
from petitions.api import router as petitions_router

api = NinjaAPI(
    title="Plea open data",
    version="1",
    description=(
        "Published petitions and public cases, exactly as the site's public pages show them. "
        "Read-only, no key needed, any origin may read it. Limited per address; "
        "answers are cached for a few seconds. Licence: CC BY 4.0."
    ),
    urls_namespace="api",
    docs_url=None,  # our own page (config/api_docs.py): the stock one loads scripts from a CDN
    openapi_url=None,  # served by openapi_schema() below, like the rest of the open data
)


def in_english(run):
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with translation.override(settings.LANGUAGE_CODE):
            return run(request, *args, **kwargs)

    return answer


# Each decorator wraps those added before it: English outermost, so that the
# cache keeps one copy of each answer whatever language visitors ask for.
api.add_decorator(served_as_open_data, mode="view")
api.add_decorator(in_english, mode="view")
api.add_router("", petitions_router)
api.add_router("", cases_router)


@api.exception_handler(ValidationError)
def bad_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # Bad query values are the client's mistake: a 400, as the pages answer.
    return api.create_response(request, {"detail": "Invalid request.", "errors": _plain(error.errors)}, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


def _plain(errors) -> list[dict]:
    """Where and what, without echoing the value sent back (it may be huge)."""
    return [{"loc": [str(part) for part in item.get("loc", ())], "msg": str(item.get("msg", ""))} for item in errors]


@served_as_open_data
def openapi_schema(request: HttpRequest) -> HttpResponse:
    """The OpenAPI schema, cached and readable from any origin like the answers it describes."""
    with translation.override(settings.LANGUAGE_CODE):
        return JsonResponse(api.get_openapi_schema())
