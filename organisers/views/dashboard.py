"""The organiser's start page: their petitions and what waits for them."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import may_start_petitions
from accounts.two_factor import has_second_factor
from organisers.views.decorators import organiser_required
from petitions import fraud
from petitions.models import WAITING_FOR_REVIEW, Petition, Signature


@organiser_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    petitions = list(Petition.objects.organised_by(request.user).order_by("status", "-created_at"))
    State = Signature.State
    stats = {
        row["petition"]: row
        for row in Signature.objects.filter(petition__in=[p.pk for p in petitions])
        .values("petition")
        .annotate(
            pending=Count("pk", filter=Q(state=State.PENDING)),
            last_day=Count("pk", filter=Q(created_at__gte=now - datetime.timedelta(hours=24))),
            to_review=Count("pk", filter=WAITING_FOR_REVIEW),
        )
        .order_by()
    }
    flagged = fraud.flagged_bursts(petition_ids=[p.pk for p in petitions], now=now)
    rows = [(petition, {**stats.get(petition.pk, {}), "flagged": flagged[petition.pk]}) for petition in petitions]
    context = {
        "rows": rows,
        "may_start_petitions": may_start_petitions(request.user),
        "two_factor_enforced": settings.PLEA_REQUIRE_2FA,
        "has_second_factor": has_second_factor(request.user),
    }
    return render(request, "organisers/dashboard.html", context)
