"""The public forms families use: "Tell us about someone", and "Request a
correction or removal" on every public case page. Protected as signing is:
cross-origin check (no token, no cookie) and the public-form guard
(core.public_form: honeypot, form clock, the "intake" rule per network); on
any error the page comes back with everything typed kept (files must be
chosen again, and the page says so)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from cases.intake import read_attachment, submission_create
from cases.intake_forms import CaseRequestForm, SubmissionForm
from cases.models import Case, Submission
from core.client_ip import client_ip
from core.cross_origin import cross_origin_protected
from core.public_form import PerNetwork, Verdict, guard

RULES = (PerNetwork("intake"),)


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@cross_origin_protected
@require_http_methods(["GET", "POST"])
def submission_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "cases/submission_form.html", {"form": SubmissionForm()})
    form = SubmissionForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        verdict = guard(request, form, rules=RULES)
        if verdict is Verdict.BOT:
            return redirect("cases:submission_sent")
        if verdict is not Verdict.PASSED:
            status = form.refuse(verdict)
        else:
            attachments = []
            for upload in form.cleaned_data["files"]:
                try:
                    attachments.append(read_attachment(upload))
                except ValidationError as error:
                    form.add_error("files", f"{upload.name[:80]}: {' '.join(error.messages)}")
            if not form.errors:
                submission_create(
                    kind=Submission.Kind.NEW_CASE,
                    fields=form.submission_fields(),
                    attachments=attachments,
                    ip_address=client_ip(request),
                    language=_language(),
                )
                return redirect("cases:submission_sent")
    context = {"form": form, "files_dropped": bool(request.FILES)}
    return render(request, "cases/submission_form.html", context, status=status)


def submission_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/submission_sent.html")


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
        verdict = guard(request, form, rules=RULES)
        if verdict is Verdict.BOT:
            return redirect("cases:request_sent", reference=case.reference)
        if verdict is not Verdict.PASSED:
            status = form.refuse(verdict)
        else:
            submission_create(
                kind=form.cleaned_data["kind"],
                fields=form.submission_fields(),
                attachments=[],
                ip_address=client_ip(request),
                language=_language(),
                case=case,
            )
            return redirect("cases:request_sent", reference=case.reference)
    return render(request, "cases/case_request_form.html", {"case": case, "form": form}, status=status)


def case_request_sent(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.public().with_names(), reference=reference)
    return render(request, "cases/case_request_sent.html", {"case": case})
