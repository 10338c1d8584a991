"""Case editors' pages for the review of changes to public cases: what waits
for review, a case's versions, one change side by side with the version the
public sees, and approving, rejecting or restoring (cases.revisions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_case_editor
from accounts.two_factor import fresh_second_factor_required
from cases.models import Case, CaseRevision, InvalidTransition, Photo, Statistic, Submission
from cases.revisions import compare, is_out_of_date, revision_approve, revision_reject, revision_restore
from organisers.forms import ReasonForm

REVISIONS_PER_PAGE = 50
PHOTOS_LISTED = 100


def case_editor_required(view):
    """Logged in (else to the login page) and a case editor (else 403)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_case_editor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _revisions():
    return CaseRevision.objects.select_related("case", "proposed_by", "reviewed_by")


@case_editor_required
def case_reviews(request: HttpRequest) -> HttpResponse:
    waiting = _revisions().proposed().order_by("proposed_at", "pk")
    page = Paginator(waiting, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "cases_waiting": Case.objects.filter(submitted_at__isnull=False).exclude(visibility="public").count(),
        "figures_waiting": Statistic.objects.filter(submitted_at__isnull=False).exclude(visibility="public").count(),
        "photos_waiting": Photo.objects.awaiting_approval()
        .select_related("case", "submitted_by")
        .order_by("submitted_at", "pk")[:PHOTOS_LISTED],
    }
    return render(request, "organisers/case_reviews.html", context)


@case_editor_required
def case_versions(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.with_names(), reference=reference)
    current = case.revisions.approved().last()
    page = Paginator(_revisions().filter(case=case), REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisers/case_versions.html", {"case": case, "current": current, "page": page})


@case_editor_required
def case_revision(request: HttpRequest, pk: int) -> HttpResponse:
    revision = get_object_or_404(_revisions(), pk=pk)
    approved = revision.case.revisions.approved()
    current = approved.last()
    if revision.origin == CaseRevision.Origin.PUBLICATION:
        # A first publication: everything in it is new to the public.
        compared_with = None
    elif revision.state == CaseRevision.State.PROPOSED:
        # What approving would change in what the public sees now.
        compared_with = current
    elif revision.state == CaseRevision.State.APPROVED:
        compared_with = approved.filter(reviewed_at__lt=revision.reviewed_at).last()
    else:
        compared_with = revision.base
    context = {
        "revision": revision,
        "case": Case.objects.with_names().get(pk=revision.case_id),
        "compared_with": compared_with,
        "changes": compare(compared_with.content if compared_with else None, revision.content),
        "is_current": current is not None and current.pk == revision.pk,
        "out_of_date": is_out_of_date(revision),
        "own": revision.proposed_by_id == request.user.pk,
        # What the family sent, beside the text an editor wrote for the public.
        "family_accounts": Submission.objects.filter(draft=revision.case_id).exclude(account="").order_by("pk"),
        "form": ReasonForm(),
    }
    return render(request, "organisers/case_revision.html", context)


def _review_step(request: HttpRequest, pk: int, step, done: str, **extra) -> HttpResponse:
    revision = get_object_or_404(CaseRevision, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note could not be saved: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("organisers:case_revision", pk=revision.pk)
    try:
        result = step(revision=revision, by=request.user, note=form.cleaned_data["note"], **extra)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect("organisers:case_revision", pk=revision.pk)
    if result is None:
        messages.info(request, _("That version is what the public sees already: nothing to restore."))
        return redirect("organisers:case_revision", pk=revision.pk)
    messages.success(request, done)
    return redirect("organisers:case_revision", pk=result.pk)


@case_editor_required
@fresh_second_factor_required
@require_POST
def case_revision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_step(
        request, pk, revision_approve, _("Approved: the public page now shows this version."),
        shown=request.POST.get("shown", ""),
    )  # fmt: skip


@case_editor_required
@require_POST
def case_revision_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_step(request, pk, revision_reject, _("Rejected: the case stays as it was."))


@case_editor_required
@require_POST
def case_revision_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_step(
        request, pk, revision_restore, _("Restoring this version is proposed: a second case editor must approve it.")
    )
