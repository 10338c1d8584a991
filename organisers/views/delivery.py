"""Organisers' pages for paper signatures, deliveries, responses and the
delivery pack. Owners only: every petition is looked up through
organisers.access.petition_for with OWNING_ROLES, so a moderator is
refused (403) and anyone else finds nothing (404)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.roles import OWNING_ROLES
from accounts.two_factor import fresh_second_factor_required
from core import body_limits, upload_responses
from core.body_limits import body_limit
from organisers.access import petition_for
from organisers.delivery_forms import (
    DeleteBatchForm,
    DeliveryForm,
    PaperBatchEditForm,
    PaperBatchForm,
    ResponseForm,
    VictoryLinkForm,
)
from petitions import audit_actions, delivery, paper
from petitions.delivery_views import document_page, document_response
from petitions.models import Delivery, OfficialResponse, PaperBatch, Petition, PetitionUpdate
from petitions.uploads import PDF

# --- Paper signatures -------------------------------------------------------------


def _refused(form, error: Exception) -> None:
    form.add_error(None, str(error))


@body_limit(body_limits.ONE_FILE)
@login_required
@require_http_methods(["GET", "POST"])
def paper_batches(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    form = PaperBatchForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                paper.paper_batch_record(by=request.user, petition=petition, **data)
            except paper.RecordRefused as error:
                _refused(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d paper signature recorded.", "%(count)d paper signatures recorded.", data["count"]
                    )
                    % {"count": data["count"]},
                )
                return redirect("organisers:paper", slug=petition.slug)
        status = 400
    petition.refresh_from_db()
    context = {"petition": petition, "form": form, "batches": PaperBatch.objects.filter(petition=petition).newest()}
    return render(request, "organisers/paper_batches.html", context, status=status)


def _batch(petition: Petition, pk: int) -> PaperBatch | None:
    return PaperBatch.objects.filter(pk=pk, petition=petition).first()


NOT_THIS_PETITIONS_BATCH = gettext_lazy("That batch does not belong to this petition. Nothing was changed.")


@body_limit(body_limits.ONE_FILE)
@login_required
@require_http_methods(["GET", "POST"])
def paper_batch_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    batch = _batch(petition, pk)
    if batch is None:
        if request.method == "GET":
            raise Http404
        messages.error(request, NOT_THIS_PETITIONS_BATCH)
        return redirect("organisers:paper", slug=petition.slug)
    initial = {name: getattr(batch, name) for name in paper.BATCH_FIELDS}
    form = PaperBatchEditForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = paper.paper_batch_edit(
                    by=request.user,
                    batch=batch,
                    fields={name: data[name] for name in paper.BATCH_FIELDS},
                    reason=data["reason"],
                    document=data["document"],
                    remove_document=data["remove_document"],
                )
            except paper.RecordRefused as error:
                _refused(form, error)
            else:
                messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
                return redirect("organisers:paper", slug=petition.slug)
        status = 400
    context = {"petition": petition, "batch": batch, "form": form, "delete_form": DeleteBatchForm()}
    return render(request, "organisers/paper_batch_edit.html", context, status=status)


@login_required
@require_POST
def paper_batch_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    batch = _batch(petition, pk)
    if batch is None:
        messages.error(request, NOT_THIS_PETITIONS_BATCH)
        return redirect("organisers:paper", slug=petition.slug)
    form = DeleteBatchForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Say why the batch is deleted: the reason goes in the audit log. Nothing was deleted.")
        )
        return redirect("organisers:paper_edit", slug=petition.slug, pk=batch.pk)
    try:
        paper.paper_batch_delete(by=request.user, batch=batch, reason=form.cleaned_data["reason"])
    except paper.RecordRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The batch is deleted and the paper total lowered."))
    return redirect("organisers:paper", slug=petition.slug)


@login_required
def paper_batch_scan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    batch = get_object_or_404(PaperBatch, pk=pk, petition=petition)
    response = document_response(
        request,
        batch,
        public=False,
        page_url=lambda number: reverse("organisers:paper_scan_page", args=[petition.slug, batch.pk, number]),
        back_url=reverse("organisers:paper", args=[petition.slug]),
        original_url=reverse("organisers:paper_scan_original", args=[petition.slug, batch.pk]),
    )
    audit.record(by=request.user, action=audit_actions.PAPER_SCAN, subject=petition, target=batch)
    return response


@login_required
def paper_batch_scan_page(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    return document_page(get_object_or_404(PaperBatch, pk=pk, petition=petition), number, public=False)


@login_required
@fresh_second_factor_required
def paper_batch_scan_original(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The scan as it was uploaded, unsealed (it carries signers' names)."""
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    batch = get_object_or_404(PaperBatch, pk=pk, petition=petition, document_type=PDF)
    response = upload_responses.original_pdf_response(batch.document.storage, batch.document.name)
    audit.record(
        by=request.user, action=audit_actions.PAPER_SCAN, subject=petition, target=batch,
        details={"original_pdf": True},
    )  # fmt: skip
    return response


# --- Deliveries and responses -----------------------------------------------------


def _delivery_page(request, petition, *, delivery_form=None, response_form=None, status=200) -> HttpResponse:
    responses = list(OfficialResponse.objects.filter(petition=petition))
    updates = list(PetitionUpdate.objects.filter(petition=petition, response__isnull=True).newest())
    marks = ""
    if petition.victory_response_id:
        marks = f"response-{petition.victory_response_id}"
    elif petition.victory_update_id:
        marks = f"update-{petition.victory_update_id}"
    context = {
        "petition": petition,
        "deliveries": Delivery.objects.filter(petition=petition),
        "responses": responses,
        "delivery_form": delivery_form or DeliveryForm(),
        "response_form": response_form or ResponseForm(),
        "victory_form": VictoryLinkForm(responses=responses, updates=updates, initial={"marks": marks}),
        "languages": settings.LANGUAGES,
    }
    return render(request, "organisers/delivery.html", context, status=status)


@login_required
def deliveries(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    return _delivery_page(request, petition)


def _record(request: HttpRequest, slug: str, *, form_class, service, success: str, form_name: str) -> HttpResponse:
    """Validate the form, hand its fields to the service, say what happened;
    on any refusal show the page again with the message and nothing stored."""
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            service(by=request.user, petition=petition, **form.cleaned_data)
        except paper.RecordRefused as error:
            _refused(form, error)
        else:
            messages.success(request, success)
            return redirect("organisers:deliveries", slug=petition.slug)
    return _delivery_page(request, petition, status=400, **{form_name: form})


@body_limit(body_limits.ONE_FILE)
@login_required
@require_POST
def delivery_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _record(
        request,
        slug,
        form_class=DeliveryForm,
        service=delivery.delivery_record,
        success=_("Delivery recorded. It shows on the petition page."),
        form_name="delivery_form",
    )


@body_limit(body_limits.ONE_FILE)
@login_required
@require_POST
def response_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _record(
        request,
        slug,
        form_class=ResponseForm,
        service=delivery.response_record,
        success=_("Response recorded. Signers who asked for updates will get it by email."),
        form_name="response_form",
    )


@login_required
@require_POST
def victory_link(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    kind, _sep, number = request.POST.get("marks", "").partition("-")
    chosen = {"response": None, "update": None}
    if kind:
        model = {"response": OfficialResponse, "update": PetitionUpdate}.get(kind)
        valid_id = number.isascii() and number.isdigit() and len(number) < 19
        record = model.objects.filter(pk=int(number)).first() if model and valid_id else None
        if record is None:
            messages.error(request, _("Choose a response or an update of this petition. Nothing was changed."))
            return redirect("organisers:deliveries", slug=petition.slug)
        chosen[kind] = record
    try:
        delivery.victory_link(by=request.user, petition=petition, **chosen)
    except paper.RecordRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved. The victory on the petition page links to it."))
    return redirect("organisers:deliveries", slug=petition.slug)


@login_required
def delivery_pack(request: HttpRequest, slug: str) -> HttpResponse:
    """Printable: cover, signatures by country, the signers who chose to be
    named. Never an email address or IP hash (public_signers() has no such column)."""
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    pack = delivery.delivery_pack(by=request.user, petition=petition)
    response = render(request, "organisers/delivery_pack.html", {"pack": pack, "petition": pack.petition})
    response["Cache-Control"] = "private, no-store"
    return response
