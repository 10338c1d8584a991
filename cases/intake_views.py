"""The public forms families use: "Tell us about someone", and "Request a
correction or removal" on every public case page. Protected as signing is:
cross-origin check (no token, no cookie), honeypot, form clock, a rate limit
per network; on any error the page comes back with everything typed kept
(files must be chosen again, and the page says so)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.ip_hash import ip_hash
from cases.intake import MAX_FILES, submission_create
from cases.intake_forms import CaseRequestForm, PublicForm, SubmissionForm
from cases.models import Case, Submission
from core import body_limits, form_clock, rate_limits, uploads
from core.body_limits import body_limit
from core.client_ip import client_ip
from core.cross_origin import cross_origin_protected
from core.uploads import UploadBudget, UploadLimits, read_upload


def _allowed(ip_address: str | None) -> bool:
    pairs = settings.PLEA_INTAKE_LIMITS_PER_IP
    limits = [rate_limits.Limit(f"intake-ip-{seconds}", count, seconds) for count, seconds in pairs]
    return rate_limits.hit(*limits, key=ip_hash(ip_address) or "none") is None


def _refusal(request: HttpRequest, form: PublicForm) -> tuple[str, int] | None:
    """Why a valid-looking form is not kept (message, status), or None."""
    timing = form_clock.timing(form.cleaned_data["started"], scope=form.scope)
    if timing is not form_clock.FormTiming.HUMAN:
        form.restart_clock()
        if timing is form_clock.FormTiming.TOO_FAST:
            return _("That was quicker than a person usually is. Please check what you wrote and send it again."), 400
        return _("This form had expired. Please check what you wrote and send it again."), 400
    if not _allowed(client_ip(request)):
        return (
            _(
                "Too many messages have come from your network recently. Please try again in a few hours; "
                "what you wrote is kept below."
            ),
            429,
        )
    return None


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@body_limit(MAX_FILES * uploads.MAX_BYTES + body_limits.MB)
@cross_origin_protected
@require_http_methods(["GET", "POST"])
def submission_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "cases/submission_form.html", {"form": SubmissionForm()})
    form = SubmissionForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("cases:submission_sent")
        refusal = _refusal(request, form)
        if refusal is not None:
            form.add_error(None, refusal[0])
            status = refusal[1]
        else:
            kept, limits, budget = [], UploadLimits.public(), UploadBudget.public()
            for upload in form.cleaned_data["files"]:
                try:
                    kept.append(read_upload(upload, limits=limits, budget=budget))
                except ValidationError as error:
                    form.add_error("files", f"{upload.name[:80]}: {' '.join(error.messages)}")
            if not form.errors:
                submission_create(
                    kind=Submission.Kind.NEW_CASE,
                    fields=form.submission_fields(),
                    uploads=kept,
                    ip_address=client_ip(request),
                    language=_language(),
                )
                return redirect("cases:submission_sent")
    context = {"form": form, "files_dropped": bool(request.FILES)}
    return render(request, "cases/submission_form.html", context, status=status)


def submission_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/submission_sent.html")


@body_limit(body_limits.TEXT_FORM)
@cross_origin_protected
@require_http_methods(["GET", "POST"])
def case_request(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.public().with_names(), reference=reference)
    if request.method == "GET":
        form = CaseRequestForm(reference=case.reference, initial={"kind": request.GET.get("kind")})
        return render(request, "cases/case_request_form.html", {"case": case, "form": form})
    form = CaseRequestForm(request.POST, reference=case.reference)
    status = 400
    if form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("cases:request_sent", reference=case.reference)
        refusal = _refusal(request, form)
        if refusal is not None:
            form.add_error(None, refusal[0])
            status = refusal[1]
        else:
            submission_create(
                kind=form.cleaned_data["kind"],
                fields=form.submission_fields(),
                uploads=[],
                ip_address=client_ip(request),
                language=_language(),
                case=case,
            )
            return redirect("cases:request_sent", reference=case.reference)
    return render(request, "cases/case_request_form.html", {"case": case, "form": form}, status=status)


def case_request_sent(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.public().with_names(), reference=reference)
    return render(request, "cases/case_request_sent.html", {"case": case})
