"""CSV exports, audited as they start (petitions.exports)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.roles import OWNING_ROLES
from accounts.two_factor import fresh_second_factor_required
from organisers.access import petition_for
from petitions import exports


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
    return _csv_response(
        exports.csv_lines(header, exports.update_email_rows(petition)), f"{petition.slug}-update-emails.csv"
    )
