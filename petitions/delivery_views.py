"""Public pages of the delivery arc: printable sign-up sheets, and the
photos and documents of deliveries and responses shown on a petition page."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import upload_responses
from core.uploads import is_sealed
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


PUBLIC = "public, max-age=300"


def document_response(
    request: HttpRequest, record, *, public: bool, page_url: Callable[[int], str], back_url: str, original_url: str = ""
) -> HttpResponse:
    """A record's document: a picture as the type found in its content, a PDF
    as the pictures of its pages (core.upload_responses)."""
    if not record.document:
        raise Http404
    cache_control = PUBLIC if public else upload_responses.PRIVATE
    if record.document_type == PDF and is_sealed(record.document.name):
        return upload_responses.pages_page(
            request,
            title=_("Document"),
            pages=record.document_pages,
            page_url=page_url,
            back_url=back_url,
            original_url=original_url,
            cache_control=cache_control,
        )
    # A PDF kept before PDFs were drawn as pages downloads as it was stored.
    return upload_responses.stored_file_response(
        record.document.storage,
        record.document.name,
        content_type=record.document_type or "application/octet-stream",
        cache_control=cache_control,
        as_attachment=record.document_type == PDF,
    )


def document_page(record, number: int, *, public: bool) -> HttpResponse:
    cache_control = PUBLIC if public else upload_responses.PRIVATE
    return upload_responses.page_response(
        record.document.storage, record.document_pages, number, cache_control=cache_control
    )


def _delivery(slug: str, pk: int) -> Delivery:
    return get_object_or_404(Delivery, pk=pk, petition__slug=slug, petition__status__in=Petition.PUBLISHED_STATES)


def _response(slug: str, pk: int) -> OfficialResponse:
    return get_object_or_404(
        OfficialResponse, pk=pk, petition__slug=slug, petition__status__in=Petition.PUBLISHED_STATES
    )


def _public_document(request: HttpRequest, record, *, page_name: str) -> HttpResponse:
    slug = record.petition.slug
    return document_response(
        request,
        record,
        public=True,
        page_url=lambda number: reverse(page_name, args=[slug, record.pk, number]),
        back_url=record.petition.get_absolute_url(),
    )


def delivery_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _public_document(request, _delivery(slug, pk), page_name="petitions:delivery_file_page")


def delivery_file_page(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    return document_page(_delivery(slug, pk), number, public=True)


def response_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _public_document(request, _response(slug, pk), page_name="petitions:response_file_page")


def response_file_page(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    return document_page(_response(slug, pk), number, public=True)
