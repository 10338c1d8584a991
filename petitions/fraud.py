"""Fraud signals: bursts of signatures from one IP hash or one email domain.

Counted per clock hour over the last day; a burst at or above its threshold
is flagged, and each signal links to the rule preview that would invalidate
exactly those signatures.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from petitions import abuse
from petitions.models import Petition, Signature

SIGNALS_SHOWN = 20


@dataclass(frozen=True)
class Signal:
    kind: str  # "ip" or "domain"
    value: str
    hour: datetime.datetime
    count: int
    threshold: int

    @property
    def flagged(self) -> bool:
        return self.count >= self.threshold

    @property
    def until(self) -> datetime.datetime:
        return self.hour + datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Signals:
    by_ip: list[Signal]
    by_domain: list[Signal]
    refused_last_day: int

    @property
    def flagged(self) -> int:
        return sum(signal.flagged for signal in self.by_ip + self.by_domain)


def _bursts(petition: Petition, *, column: str, kind: str, threshold: int, since: datetime.datetime) -> list[Signal]:
    rows = (
        Signature.objects.filter(petition=petition, created_at__gte=since)
        .exclude(**{column: ""})
        .annotate(hour=TruncHour("created_at"))
        .values(column, "hour")
        .annotate(n=Count("pk"))
        .order_by("-n", "-hour")[:SIGNALS_SHOWN]
    )
    return [Signal(kind, row[column], row["hour"], row["n"], threshold) for row in rows]


def fraud_signals(*, petition: Petition, now: datetime.datetime | None = None) -> Signals:
    since = (now or timezone.now()) - datetime.timedelta(hours=24)
    return Signals(
        by_ip=_bursts(petition, column="ip_hash", kind="ip", threshold=settings.PLEA_FRAUD_IP_PER_HOUR, since=since),
        by_domain=_bursts(
            petition, column="email_domain", kind="domain", threshold=settings.PLEA_FRAUD_DOMAIN_PER_HOUR, since=since
        ),
        refused_last_day=abuse.refused_in_last_day(petition_id=petition.pk),
    )


def flagged_bursts(*, petition_ids: list[int], now: datetime.datetime | None = None) -> dict[int, int]:
    """How many flagged bursts each petition had in the last day: two
    aggregate queries for a whole dashboard."""
    since = (now or timezone.now()) - datetime.timedelta(hours=24)
    flagged: dict[int, int] = dict.fromkeys(petition_ids, 0)
    for column, threshold in (
        ("ip_hash", settings.PLEA_FRAUD_IP_PER_HOUR),
        ("email_domain", settings.PLEA_FRAUD_DOMAIN_PER_HOUR),
    ):
        rows = (
            Signature.objects.filter(petition_id__in=petition_ids, created_at__gte=since)
            .exclude(**{column: ""})
            .annotate(hour=TruncHour("created_at"))
            .values("petition_id", column, "hour")
            .annotate(n=Count("pk"))
            .filter(n__gte=threshold)
            .order_by()
        )
        for row in rows:
            flagged[row["petition_id"]] += 1
    return flagged
