"""The audit log: a petition's for its owners, the whole site's for staff."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import AuditEntry
from accounts.roles import OWNING_ROLES, is_site_staff
from organisers.access import petition_for

AUDIT_PER_PAGE = 50


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    entries = AuditEntry.objects.visible_to(request.user).about(petition).newest()
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisers/audit_log.html", {"petition": petition, "page": page})


@login_required
def audit_log_all(request: HttpRequest) -> HttpResponse:
    if not is_site_staff(request.user):
        raise PermissionDenied
    page = Paginator(AuditEntry.objects.newest(), AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisers/audit_log.html", {"page": page})
