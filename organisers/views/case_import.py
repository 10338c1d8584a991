"""Case editors import people from a CSV file (cases.csv_import): upload, a
preview of exactly what will be created and which rows look like people
already here, then confirm; and export every case in the same columns."""

from django import forms
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.audit import record
from accounts.two_factor import fresh_second_factor_required
from cases import audit_actions, case_csv, csv_export, csv_import
from cases.models import Case, CaseImport, InvalidTransition
from core import body_limits
from core.body_limits import body_limit
from core.csv_stream import csv_lines
from organisers.views.case_reviews import case_editor_required

READY_PER_PAGE = 200


class CaseFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8, one person per row, at most 5,000 rows and 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _csv_download(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(case_csv.COLUMNS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class SizeLimitedUpload(FileUploadHandler):
    """Stops taking a file past the import limit, so a huge upload is never
    kept in memory or on disk; the page then says why."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > csv_import.MAX_BYTES:
            self.request.plea_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@body_limit(csv_import.MAX_BYTES + body_limits.MB)
@csrf_exempt  # checked by _case_import, once the upload handler is in place (Django's documented way)
@case_editor_required
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    request.upload_handlers.insert(0, SizeLimitedUpload(request))
    return _case_import(request)


@csrf_protect
def _case_import(request: HttpRequest) -> HttpResponse:
    form = CaseFileForm(request.POST, request.FILES) if request.method == "POST" else CaseFileForm()
    if getattr(request, "plea_upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)  # "no file": the handler stopped taking it
        form.add_error("file", str(csv_import.too_large()))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the limit is enough to refuse a larger file.
            rows = csv_import.read_upload(upload.read(csv_import.MAX_BYTES + 1))
        except csv_import.UploadRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            kept = csv_import.case_import_create(by=request.user, file_name=upload.name or "", rows=rows)
            return redirect("organisers:case_import_preview", pk=kept.pk)
    waiting = CaseImport.objects.waiting_for(request.user).only("pk", "file_name", "uploaded_at")
    status = 400 if form.errors else 200
    return render(request, "organisers/case_import.html", {"form": form, "waiting": waiting}, status=status)


@case_editor_required
@require_safe
def case_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(CaseImport.objects.waiting_for(request.user), pk=pk)
    rows = upload.rows
    with_errors = [row for row in rows if row["errors"]]
    to_tick = [row for row in rows if not row["errors"] and (row["lookalikes"] or row["same_as_line"])]
    ready = [row for row in rows if not row["errors"] and not row["lookalikes"] and not row["same_as_line"]]
    people = Case.objects.with_names().in_bulk({pk for row in rows for pk in row["lookalikes"]})
    for row in rows:
        row["people"] = [people[pk] for pk in row["lookalikes"] if pk in people]
        row["shown"] = _shown(row["values"])
    context = {
        "upload": upload,
        "total": len(rows),
        "with_errors": with_errors,
        "to_tick": to_tick,
        "ready_count": len(ready),
        "page": Paginator(ready, READY_PER_PAGE).get_page(request.GET.get("page")),
        "expires_at": upload.uploaded_at + CaseImport.KEPT_FOR,
    }
    return render(request, "organisers/case_import_preview.html", context)


def _as_written(date: list | None) -> str:
    """[iso date, precision] as the file wrote it: 2017, 2018-08 or 2018-01-22."""
    if not date:
        return ""
    iso, precision = date
    return iso[: {"year": 4, "month": 7}.get(precision, 10)]


def _shown(values: dict) -> dict:
    """A checked row as the preview says it, in the editor's words."""
    statuses = dict(Case.Status.choices)
    hometown = (values["hometown_place"], values["hometown_county"], values["hometown_prefecture"])
    source = values["source"] or {}
    return {
        "names": " / ".join(name[0] for name in values["names"]) or values["unnamed_description"],
        "status": statuses.get(values["status"], ""),
        "hometown": ", ".join(part for part in hometown if part),
        "detained_on": _as_written(values["detained_on"]),
        "last_contact_on": _as_written(values["last_contact_on"]),
        "source": ": ".join(part for part in (source.get("publisher"), source.get("title")) if part),
        "reference": values["reference"],
    }


@case_editor_required
@require_POST
def case_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(CaseImport.objects.waiting_for(request.user), pk=pk)
    include = {int(line) for line in request.POST.getlist("include") if line.isdigit() and len(line) < 10}
    try:
        cases = csv_import.case_import_confirm(upload=upload, by=request.user, include_lookalikes=include)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect("organisers:case_import")
    messages.success(request, csv_import.import_summary(len(cases), len(upload.rows) - len(cases)))
    return redirect(reverse("organisers:desk_cases") + "?visibility=draft")


@case_editor_required
@require_POST
def case_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(CaseImport.objects.waiting_for(request.user), pk=pk).delete()
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("organisers:case_import")


@case_editor_required
@require_safe
def case_import_template(request: HttpRequest) -> HttpResponse:
    return _csv_download(case_csv.template_rows(), "plea-cases-template.csv")


@case_editor_required
@fresh_second_factor_required
@require_safe
def case_export(request: HttpRequest) -> HttpResponse:
    """Every case, drafts and internal notes included: audited as it starts."""
    record(by=request.user, action=audit_actions.CASE_EXPORT, details={"cases": Case.objects.count()})
    day = timezone.localdate().isoformat()
    return _csv_download(csv_export.export_rows(), f"plea-cases-for-editing-{day}.csv")
