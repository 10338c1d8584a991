"""Public pages of the delivery arc: printable sign-up sheets, and the
photos and documents of deliveries and responses shown on a petition page."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from petitions.models import Delivery, OfficialResponse, Petition
from petitions.qr import qr_svg
from petitions.uploads import PDF

SHEET_ROWS = 16


def sign_up_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """An A4 sheet to gather signatures on paper, in the language of the URL,
    with a QR code to the petition's page in that language."""
    petition = get_object_or_404(Petition.objects.published().prefetch_related("texts"), slug=slug)
    if not petition.accepts_signatures():
        raise Http404
    url = f"{settings.SITE_URL}{petition.get_absolute_url()}"
    context = {
        "petition": petition,
        "petition_url": url,
        # segno escapes the title it writes into the SVG; the rest is our own drawing.
        "qr": mark_safe(qr_svg(url, title=petition.local.title, scale=4)),
        "rows": range(1, SHEET_ROWS + 1),
    }
    return render(request, "petitions/sign_up_sheet.html", context)


def file_response(record, *, public: bool) -> FileResponse:
    """A stored document, as the type found in its content when it was
    uploaded. PDFs download rather than open in the page; nothing is sniffed."""
    if not record.document:
        raise Http404
    try:
        handle = record.document.storage.open(record.document.name, "rb")
    except OSError as error:
        raise Http404 from error
    is_pdf = record.document_type == PDF
    response = FileResponse(
        handle,
        content_type=record.document_type or "application/octet-stream",
        as_attachment=is_pdf,
        filename=record.document.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def delivery_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    record = get_object_or_404(Delivery, pk=pk, petition__slug=slug, petition__status__in=Petition.PUBLISHED_STATES)
    return file_response(record, public=True)


def response_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    record = get_object_or_404(
        OfficialResponse, pk=pk, petition__slug=slug, petition__status__in=Petition.PUBLISHED_STATES
    )
    return file_response(record, public=True)
