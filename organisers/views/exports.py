"""CSV exports, audited as they start (petitions.exports), and the owner's
key that exports of addresses are encrypted to (petitions.export_keys)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import OWNING_ROLES
from accounts.two_factor import fresh_second_factor_required
from organisers.access import petition_for
from organisers.export_forms import ExportKeyForm
from petitions import exports, services
from petitions.export_keys import encrypted_for


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_signatures(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    exports.export_record(by=request.user, petition=petition, emails=False)
    header = [_("Name"), _("Country"), _("Date"), _("Reason")]
    return _csv_response(exports.delivery_csv(petition, header), f"{petition.slug}-signatures.csv")


@login_required
@fresh_second_factor_required
def export_emails(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    exports.export_record(by=request.user, petition=petition, emails=True)
    header = [_("Name"), _("Email"), _("Country"), _("Language"), _("Date")]
    lines = exports.csv_lines(header, exports.update_email_rows(petition))
    filename = f"{petition.slug}-update-emails.csv"
    if not petition.export_recipient:
        return _csv_response(lines, filename)
    # Encrypted whole: an age file is written at once, and only signers who
    # asked for updates are in it, so it stays far smaller than the petition.
    plain = b"".join(line.encode() if isinstance(line, str) else line for line in lines)
    response = HttpResponse(encrypted_for(petition.export_recipient, plain), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}.age"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@fresh_second_factor_required
def export_key(request: HttpRequest, slug: str) -> HttpResponse:
    """Register (or remove) the age public key exports of addresses are encrypted to."""
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    form = ExportKeyForm(request.POST or None, initial={"export_recipient": petition.export_recipient})
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["export_recipient"]
        services.export_recipient_set(by=request.user, petition=petition, key=key)
        if key:
            messages.success(request, _("Exports of signers' addresses are now encrypted to this key."))
        else:
            messages.success(request, _("Exports of signers' addresses are plain CSV again."))
        return redirect("organisers:petition", slug=petition.slug)
    return render(request, "organisers/export_key.html", {"petition": petition, "form": form})
