"""Serving what core.uploads kept: a picture as the type found in its
content, a PDF as the pictures of its pages on a page of ours, and the
original PDF only as a download, to the few views that ask for a fresh
second factor and audit it."""

import logging
from collections.abc import Callable

from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core import encryption, uploads

logger = logging.getLogger(__name__)

# Whatever a stored file holds, a browser may run nothing in it.
SANDBOX = "default-src 'none'; sandbox"
PRIVATE = "private, no-store"


def stored_file_response(
    storage: Storage, name: str, *, content_type: str, cache_control: str, as_attachment: bool = False
) -> FileResponse:
    try:
        handle = storage.open(name, "rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = cache_control
    response["Content-Security-Policy"] = SANDBOX
    return response


def page_response(storage: Storage, pages: list[dict], number: int, *, cache_control: str) -> FileResponse:
    """Page `number` (from 1) of a PDF, as the picture drawn of it."""
    if not 1 <= number <= len(pages):
        raise Http404
    return stored_file_response(
        storage, pages[number - 1]["name"], content_type=uploads.WEBP, cache_control=cache_control
    )


def pages_page(
    request: HttpRequest,
    *,
    title: str,
    pages: list[dict],
    page_url: Callable[[int], str],
    back_url: str,
    original_url: str = "",
    cache_control: str = PRIVATE,
) -> HttpResponse:
    """A PDF shown as the pictures of its pages: what the reader sees is
    pixels poppler drew, never the file's own scripts, forms or links."""
    shown = [{"number": number, "url": page_url(number), **page} for number, page in enumerate(pages, start=1)]
    context = {"title": title, "pages": shown, "back_url": back_url, "original_url": original_url}
    response = render(request, "document_pages.html", context)
    response["Cache-Control"] = cache_control
    return response


def original_pdf_response(storage: Storage, name: str) -> HttpResponse:
    """The PDF as it was sent, opened from its seal: a download, never shown
    in the page, never cached."""
    try:
        data = uploads.original_pdf(storage, name)
    except OSError as error:
        raise Http404 from error
    except encryption.DecryptionFailed as error:
        # A key dropped too early: say so in the log; the reader gets a 404, not a broken file.
        logger.error("A sealed PDF could not be opened with PLEA_ENCRYPTION_KEYS.")
        raise Http404 from error
    response = HttpResponse(data, content_type=uploads.PDF)
    response["Content-Disposition"] = 'attachment; filename="original.pdf"'
    response["Cache-Control"] = PRIVATE
    response["Content-Security-Policy"] = SANDBOX
    return response
