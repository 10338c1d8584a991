"""The intake queue: what families sent through the public forms, for case
editors only. Open removal requests first, then newest; filters; bulk
closing of junk; one submission with its duplicate candidates and the
steps an editor can take (cases.intake). Reading a sender's contact
details, or a file they sent, is audited each time."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.models import AuditEntry
from accounts.two_factor import fresh_second_factor_required
from cases import audit_actions, intake
from cases.models import Case, CaseName, InvalidTransition, Submission, SubmissionFile
from core import upload_responses
from core.uploads import is_sealed
from organisers.intake_forms import AskForm, BulkCloseForm, CloseForm, DuplicateForm, QueueFilters
from organisers.views.case_reviews import case_editor_required

SUBMISSIONS_PER_PAGE = 50


@case_editor_required
def intake_queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilters(request.GET)
    submissions = filters.apply(Submission.objects.all()).queue_order()
    names = CaseName.objects.order_by("-preferred", "pk")
    submissions = submissions.select_related("case").annotate(file_count=Count("files"))
    # A request's row names its case: every case's spellings in one query.
    submissions = submissions.prefetch_related(Prefetch("case__names", queryset=names, to_attr="ordered_names"))
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": filters.querystring(),
        "close_form": BulkCloseForm(),
        "urgent_open": Submission.objects.still_open().filter(urgent=True).count(),
    }
    return render(request, "organisers/intake_queue.html", context)


def _submission(pk: int) -> Submission:
    return get_object_or_404(Submission.objects.select_related("case", "duplicate_of", "draft", "handled_by"), pk=pk)


def _detail(request: HttpRequest, submission: Submission, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "submission": submission,
        "candidates": intake.duplicate_candidates(submission) if submission.kind == Submission.Kind.NEW_CASE else [],
        "files": list(submission.files.all()),
        "close_form": forms.get("close_form") or CloseForm(),
        "ask_form": forms.get("ask_form") or AskForm(),
        "duplicate_form": forms.get("duplicate_form") or DuplicateForm(),
        "history": AuditEntry.objects.filter(target_type="submission", target_id=str(submission.pk)).newest(),
    }
    return render(request, "organisers/intake_detail.html", context, status=status)


@case_editor_required
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _submission(pk))


@case_editor_required
@fresh_second_factor_required
def intake_contact(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    contact = intake.submission_contact_read(submission=submission, by=request.user)
    return render(request, "organisers/intake_contact.html", {"submission": submission, "contact": contact})


def _kept(pk: int, file_pk: int) -> SubmissionFile:
    return get_object_or_404(SubmissionFile.objects.select_related("submission"), pk=file_pk, submission_id=pk)


@case_editor_required
@fresh_second_factor_required
def intake_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """A photo as kept, or a PDF as the pictures of its pages."""
    kept = _kept(pk, file_pk)
    storage = kept.file.storage
    if kept.is_pdf and is_sealed(kept.file.name):
        response = upload_responses.pages_page(
            request,
            title=_("Document sent with submission #%(pk)s") % {"pk": pk},
            pages=kept.pages,
            page_url=lambda number: reverse("organisers:intake_file_page", args=[pk, file_pk, number]),
            back_url=reverse("organisers:intake_detail", args=[pk]),
            original_url=reverse("organisers:intake_file_original", args=[pk, file_pk]),
        )
    else:
        # A PDF kept before PDFs were drawn as pages downloads as it was stored.
        response = upload_responses.stored_file_response(
            storage, kept.file.name, content_type=kept.content_type, cache_control=upload_responses.PRIVATE,
            as_attachment=kept.is_pdf,
        )  # fmt: skip
    audit.record(by=request.user, action=audit_actions.SUBMISSION_FILE, target=kept.submission)
    return response


@case_editor_required
@fresh_second_factor_required
def intake_file_page(request: HttpRequest, pk: int, file_pk: int, number: int) -> HttpResponse:
    kept = _kept(pk, file_pk)
    return upload_responses.page_response(kept.file.storage, kept.pages, number, cache_control=upload_responses.PRIVATE)


@case_editor_required
@fresh_second_factor_required
def intake_file_original(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """The PDF as the family sent it, unsealed: audited as its own reading."""
    kept = _kept(pk, file_pk)
    if not kept.is_pdf:
        raise Http404
    response = upload_responses.original_pdf_response(kept.file.storage, kept.file.name)
    audit.record(
        by=request.user, action=audit_actions.SUBMISSION_FILE, target=kept.submission,
        details={"file": kept.pk, "original_pdf": True},
    )  # fmt: skip
    return response


def _refused(request: HttpRequest, submission: Submission, refusal: Exception) -> HttpResponse:
    messages.error(request, str(refusal))
    return redirect("organisers:intake_detail", pk=submission.pk)


@case_editor_required
@require_POST
def intake_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        return _detail(request, submission, status=400, duplicate_form=form)
    case = Case.objects.filter(reference=form.cleaned_data["reference"]).first()
    if case is None:
        form.add_error("reference", _("No case has this reference."))
        return _detail(request, submission, status=400, duplicate_form=form)
    try:
        intake.submission_mark_duplicate(submission=submission, case=case, by=request.user)
    except InvalidTransition as refusal:
        return _refused(request, submission, refusal)
    messages.success(request, _("Marked as a possible duplicate of %(case)s.") % {"case": case})
    return redirect("organisers:intake_detail", pk=submission.pk)


@case_editor_required
@require_POST
def intake_convert(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    try:
        case = intake.submission_convert(submission=submission, by=request.user)
    except InvalidTransition as refusal:
        return _refused(request, submission, refusal)
    messages.success(
        request,
        _(
            "Draft case %(reference)s created. Check and complete it, then submit it for publication: "
            "a second case editor must approve it."
        )
        % {"reference": case.reference},
    )
    return redirect("organisers:intake_detail", pk=submission.pk)


@case_editor_required
@require_POST
def intake_ask(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    form = AskForm(request.POST)
    if not form.is_valid():
        return _detail(request, submission, status=400, ask_form=form)
    try:
        intake.submission_ask(submission=submission, message=form.cleaned_data["message"], by=request.user)
    except InvalidTransition as refusal:
        return _refused(request, submission, refusal)
    messages.success(request, _("Your questions are on their way."))
    return redirect("organisers:intake_detail", pk=submission.pk)


@case_editor_required
@require_POST
def intake_close(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, submission, status=400, close_form=form)
    try:
        intake.submission_close(
            submission=submission, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"], by=request.user
        )
    except InvalidTransition as refusal:
        return _refused(request, submission, refusal)
    messages.success(request, _("Closed."))
    return redirect("organisers:intake_queue")


@case_editor_required
@require_POST
def intake_close_selected(request: HttpRequest) -> HttpResponse:
    form = BulkCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the submissions to close and a reason."))
        return redirect("organisers:intake_queue")
    data = form.cleaned_data
    closed = intake.submissions_close(ids=data["ids"], reason=data["reason"], note=data["note"], by=request.user)
    messages.success(request, _("Closed: %(count)s.") % {"count": closed})
    return redirect("organisers:intake_queue")
