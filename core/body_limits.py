"""Request bodies refused by their size before a byte of them is read.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields only: a file part of
any size was read in full and spooled to disk before a view could refuse
it. Here each view says how large a body it can need (`body_limit`), every
other view gets PLEA_REQUEST_BODY_MAX_BYTES, and a body over the limit is
answered 413 with a plain page:
- when it declares its length (Content-Length), without reading it;
- when it does not (chunked), by reading at most the limit plus one byte.

The proxy in front should refuse sooner still (nginx `client_max_body_size`,
README): this is the limit that holds whatever stands in front.
"""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

KB = 1024
MB = 1024 * KB
# The sign form and the language switcher: a few fields of text.
SMALL_FORM = 16 * KB
# A public form of text only (a correction request): 5,000 characters of
# four-byte script, percent-encoded, and the fields around them.
TEXT_FORM = 128 * KB
# One file of core.uploads.MAX_BYTES, with the form around it.
ONE_FILE = 21 * MB
READ_CHUNK = 64 * KB


def body_limit(max_bytes: int) -> Callable[[Callable], Callable]:
    """The largest body `view` accepts; apply it outermost, so the resolver sees it."""

    def decorate(view: Callable) -> Callable:
        view.plea_body_limit = max_bytes  # type: ignore[attr-defined]  # a mark the middleware reads back
        return view

    return decorate


def too_large(request: HttpRequest) -> HttpResponse:
    response = render(request, "413.html", status=413)
    response["Cache-Control"] = "no-store"
    return response


def _chunked(request: HttpRequest) -> bool:
    meta = request.META
    return "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() or bool(meta.get("wsgi.input_terminated"))


class RequestBodyLimit:
    """Before any middleware or view reads the body (CSRF reads POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        limit = getattr(view_func, "plea_body_limit", settings.PLEA_REQUEST_BODY_MAX_BYTES)
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                return too_large(request)
            return too_large(request) if length > limit else None
        if not _chunked(request) or "wsgi.input" not in request.META:
            return None
        # No length said: count what arrives and stop one byte past the limit.
        source, received = request.META["wsgi.input"], io.BytesIO()
        while received.tell() <= limit:
            chunk = source.read(min(READ_CHUNK, limit + 1 - received.tell()))
            if not chunk:
                break
            received.write(chunk)
        if received.tell() > limit:
            return too_large(request)
        body = received.getvalue()
        # Django reads a body without a length as empty: give it the one counted here.
        request.META["CONTENT_LENGTH"] = str(len(body))
        request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[assignment]  # what Django itself puts here
        return None
