"""The case desk: the one way case editors change cases. What waits for
them, the cases with filters, a new case, a case's page on the desk and
the edit pages of its fields and parts. Every edit goes to
cases.revisions.case_change: a draft takes it at once, a public case gets
a change for a second case editor to review (organisers.views.case_reviews)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from cases.models import Case, CaseRevision, InvalidTransition, Photo, Statistic, Submission, Visibility
from cases.publication import (
    case_submit,
    case_unpublish,
    statistic_approve,
    statistic_edit,
    statistic_submit,
    statistic_unpublish,
)
from cases.revisions import case_change, case_create, compare, latest_content, publication_proposal, snapshot
from organisers.desk_forms import (
    EDITABLE_SECTIONS,
    CaseFieldsForm,
    FigureForm,
    NewCaseForm,
    NewSourceForm,
    NoteForm,
    section_formset,
)
from organisers.forms import ReasonForm
from organisers.views.case_reviews import case_editor_required

CASES_PER_PAGE = 50
LISTED = 100


def _revisions():
    return CaseRevision.objects.select_related("case", "proposed_by", "reviewed_by")


def _submitted_without_version() -> None:
    """Cases submitted before submissions kept their content get their
    proposal now, so the queue lists every one."""
    pending = CaseRevision.objects.filter(
        case=OuterRef("pk"), state=CaseRevision.State.PROPOSED, origin=CaseRevision.Origin.PUBLICATION
    )
    for case in (
        Case.objects.filter(submitted_at__isnull=False)
        .exclude(visibility=Visibility.PUBLIC)
        .filter(~Exists(pending))[:LISTED]
    ):
        publication_proposal(case)


@case_editor_required
def desk(request: HttpRequest) -> HttpResponse:
    """What waits for this editor: urgent removal requests first, then
    changes to review, their own changes waiting and those sent back."""
    _submitted_without_version()
    user = request.user
    context = {
        "urgent": Submission.objects.still_open().filter(urgent=True).order_by("created_at")[:LISTED],
        "waiting": _revisions().waiting_for(user).order_by("proposed_at", "pk")[:LISTED],
        "mine": _revisions().proposed().filter(proposed_by=user).order_by("-proposed_at")[:LISTED],
        "rejected": _revisions().rejected_for(user).order_by("-reviewed_at")[:LISTED],
        "photos": Photo.objects.awaiting_approval()
        .exclude(submitted_by=user)
        .select_related("case")
        .order_by("submitted_at")[:LISTED],
        "figures": Statistic.objects.filter(submitted_at__isnull=False)
        .exclude(visibility=Visibility.PUBLIC)
        .exclude(submitted_by=user)
        .order_by("submitted_at")[:LISTED],
    }
    return render(request, "organisers/desk.html", context)


@case_editor_required
def desk_cases(request: HttpRequest) -> HttpResponse:
    cases = (
        Case.objects.with_names()
        .annotate(waiting=Count("revisions", filter=Q(revisions__state=CaseRevision.State.PROPOSED)))
        .order_by("-updated_at", "pk")
    )
    visibility = request.GET.get("visibility", "")
    if visibility in Visibility.values:
        cases = cases.filter(visibility=visibility)
    status = request.GET.get("status", "")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    if request.GET.get("waiting"):
        cases = cases.filter(waiting__gt=0)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        cases = cases.filter(Q(reference__icontains=query) | Q(names__text__icontains=query)).distinct()
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "visibility": visibility,
        "status": status,
        "waiting": bool(request.GET.get("waiting")),
        "visibilities": Visibility.choices,
        "statuses": Case.Status.choices,
    }
    return render(request, "organisers/desk_cases.html", context)


@case_editor_required
@require_http_methods(["GET", "POST"])
def desk_case_create(request: HttpRequest) -> HttpResponse:
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in NewCaseForm.Meta.fields}
        case = case_create(
            by=request.user, fields=fields, name=form.cleaned_data["name"], script=form.cleaned_data["script"]
        )
        messages.success(request, _("The draft is started. Only case editors see it."))
        return redirect("organisers:desk_case", reference=case.reference)
    return render(request, "organisers/desk_case_new.html", {"form": form}, status=400 if form.errors else 200)


def _case(reference: str) -> Case:
    return get_object_or_404(Case.objects.with_names(), reference=reference)


@case_editor_required
def desk_case(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    content = latest_content(case)
    waiting = case.revisions.proposed().select_related("proposed_by").first()
    context = {
        "case": case,
        "waiting": waiting,
        # What the desk's next edit starts from, against what the case holds.
        "changes": compare(snapshot(case), content) if waiting is not None else [],
        "sections": EDITABLE_SECTIONS.values(),
        "counts": {key: len(content[key]) for key in EDITABLE_SECTIONS},
        "reason_form": ReasonForm(),
    }
    return render(request, "organisers/desk_case.html", context)


def _saved(request: HttpRequest, case: Case, result) -> HttpResponse:
    if result is None:
        messages.info(request, _("Nothing changed."))
    elif result.state == CaseRevision.State.PROPOSED:
        messages.success(
            request, _("Your change waits for a second case editor's approval; the public page shows what it did.")
        )
        return redirect("organisers:case_revision", pk=result.pk)
    else:
        messages.success(request, _("Saved. Only case editors see this case until it is published."))
    return redirect("organisers:desk_case", reference=case.reference)


@case_editor_required
@require_http_methods(["GET", "POST"])
def desk_case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    content = latest_content(case)
    form = CaseFieldsForm(request.POST or None, content=content, case=case)
    note = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and note.is_valid():
        try:
            result = case_change(
                case=case,
                content=form.updated(content),
                by=request.user,
                note=note.cleaned_data["note"],
                public_reason=note.cleaned_data["public_reason"],
            )
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            return _saved(request, Case.objects.get(pk=case.pk), result)
    status = 400 if request.method == "POST" else 200
    return render(request, "organisers/desk_case_edit.html", {"case": case, "form": form, "note": note}, status=status)


@case_editor_required
@require_http_methods(["GET", "POST"])
def desk_case_section(request: HttpRequest, reference: str, section: str) -> HttpResponse:
    if section not in EDITABLE_SECTIONS:
        raise Http404
    part = EDITABLE_SECTIONS[section]
    case = _case(reference)
    content = latest_content(case)
    formset = section_formset(part, content, data=request.POST or None)
    note = NoteForm(request.POST or None)
    if request.method == "POST" and formset.is_valid() and note.is_valid():
        try:
            result = case_change(
                case=case, content={**content, section: formset.rows()}, by=request.user,
                note=note.cleaned_data["note"],
                public_reason=note.cleaned_data["public_reason"],
            )  # fmt: skip
        except InvalidTransition as refusal:
            messages.error(request, str(refusal))
        else:
            return _saved(request, case, result)
    status = 400 if request.method == "POST" else 200
    context = {"case": case, "formset": formset, "note": note, "section": part}
    return render(request, "organisers/desk_case_section.html", context, status=status)


@case_editor_required
@require_POST
def desk_case_submit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    try:
        case_submit(case=case, by=request.user)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Submitted: a second case editor must approve it before it is public."))
    return redirect("organisers:desk_case", reference=case.reference)


@case_editor_required
@require_POST
def desk_case_unpublish(request: HttpRequest, reference: str) -> HttpResponse:
    """One editor may take a case down at once: it only ever hides."""
    case = _case(reference)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note could not be saved: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("organisers:desk_case", reference=case.reference)
    try:
        case_unpublish(case=case, by=request.user, reason=form.cleaned_data["note"])
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The case is no longer public."))
    return redirect("organisers:desk_case", reference=case.reference)


@case_editor_required
@require_http_methods(["GET", "POST"])
def desk_source_create(request: HttpRequest) -> HttpResponse:
    """A source is cited by no public page until a reviewed version cites
    it, so adding one takes no review; a cited source is never edited
    (cite a corrected one instead)."""
    form = NewSourceForm(request.POST or None)
    back = request.GET.get("case", "")
    if request.method == "POST" and form.is_valid():
        source = form.save()
        added = _("Source added: %(source)s. Cite it from the case's edit pages.") % {"source": source}
        messages.success(request, added)
        if Case.objects.filter(reference=back).exists():
            return redirect("organisers:desk_case", reference=back)
        return redirect("organisers:desk")
    status = 400 if form.errors else 200
    return render(request, "organisers/desk_source_new.html", {"form": form, "back": back}, status=status)


@case_editor_required
@require_http_methods(["GET", "POST"])
def desk_figures(request: HttpRequest) -> HttpResponse:
    """Published figures (Atajurt's county estimates …), each with its
    source: added here, published by two people."""
    form = FigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The figure is added. Submit it for publication when it is ready."))
        return redirect("organisers:desk_figures")
    figures = Statistic.objects.select_related("source", "submitted_by").order_by("-pk")[:LISTED]
    context = {"form": form, "figures": figures, "reason_form": ReasonForm()}
    return render(request, "organisers/desk_figures.html", context, status=400 if form.errors else 200)


@case_editor_required
@require_http_methods(["GET", "POST"])
def desk_figure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_object_or_404(Statistic, pk=pk)
    form = FigureForm(request.POST or None, instance=Statistic.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            statistic_edit(statistic=figure, by=request.user, changes=form.cleaned_data)
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Saved. Submit it for publication again when it is ready."))
            return redirect("organisers:desk_figures")
    status = 400 if request.method == "POST" else 200
    return render(request, "organisers/desk_figure_edit.html", {"figure": figure, "form": form}, status=status)


FIGURE_STEPS = {
    "submit": (statistic_submit, gettext_lazy("Submitted: a second case editor must approve the figure.")),
    "approve": (statistic_approve, gettext_lazy("Approved: the figure is public.")),
    "unpublish": (statistic_unpublish, gettext_lazy("The figure is no longer public.")),
}


@case_editor_required
@require_POST
def desk_figure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    figure = get_object_or_404(Statistic, pk=pk)
    if action not in FIGURE_STEPS:
        raise Http404
    if action == "approve" and not two_factor.is_fresh(request):
        return two_factor.ask_again(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note could not be saved: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("organisers:desk_figures")
    step, done = FIGURE_STEPS[action]
    extra = {
        "approve": {"shown": request.POST.get("shown", "")},
        "unpublish": {"reason": form.cleaned_data["note"]},
    }.get(action, {})
    try:
        step(statistic=figure, by=request.user, **extra)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, str(done))
    return redirect("organisers:desk_figures")
