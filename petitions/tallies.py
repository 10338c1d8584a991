"""Signatures per day and per country: the petition page's charts and the same
numbers in its JSON.

Grouping a million signatures on every page view would cost far more than the
page, and the counting transitions (petitions.counting) must stay the one
exact place that moves the count. So the tally is a rollup kept in the cache:
made again at most every PLEA_TALLY_SECONDS per petition, by one request while
the others keep using the previous tally (a lock in the cache). The figures
can lag the main counter by that much, and say when they were made.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.cache_refresh import rebuilt_under_lock
from petitions.models import Petition, Signature

# Countries with fewer signatures than this are shown together as "other
# countries": in a country where signing is risky, a handful of signers could
# otherwise be singled out.
SMALL_COUNTRY = 5
# The lock is held while one request counts; if that request dies, another
# may try again after this long.
LOCK_SECONDS = 60


@dataclass(frozen=True)
class DayTally:
    day: datetime.date
    signatures: int
    total: int  # signatures up to and including this day


@dataclass(frozen=True)
class Tally:
    made_at: datetime.datetime
    days: tuple[DayTally, ...]
    countries: tuple[tuple[str, int], ...]  # country code, signatures; most first, SMALL_COUNTRY or more each
    other_countries: int  # signatures from smaller countries or with no country given

    @property
    def total(self) -> int:
        return self.days[-1].total if self.days else 0


def group_small_countries(rows: Iterable[tuple[str, int]], *, threshold: int = SMALL_COUNTRY):
    """(countries shown, most first then by code; the sum of the rest). A blank
    country (not given) always goes with the rest."""
    shown, other = [], 0
    for country, count in rows:
        if country and count >= threshold:
            shown.append((country, count))
        else:
            other += count
    shown.sort(key=lambda row: (-row[1], row[0]))
    return tuple(shown), other


def running_totals(rows: Iterable[tuple[datetime.date, int]]) -> tuple[DayTally, ...]:
    total, days = 0, []
    for day, count in sorted(rows):
        total += count
        days.append(DayTally(day=day, signatures=count, total=total))
    return tuple(days)


def count_signatures(*, petition_id: int, now: datetime.datetime | None = None) -> Tally:
    """Two grouped reads of the petition's counted signatures."""
    counted = Signature.objects.filter(petition_id=petition_id).counted().order_by()
    by_day = counted.annotate(day=TruncDate("confirmed_at")).values_list("day").annotate(n=Count("pk"))
    by_country = counted.values_list("country").annotate(n=Count("pk"))
    countries, other = group_small_countries(by_country)
    return Tally(
        made_at=now or timezone.now(),
        days=running_totals((day, n) for day, n in by_day if day is not None),
        countries=countries,
        other_countries=other,
    )


def _key(petition_id: int) -> str:
    return f"plea:tally:{petition_id}"


def tally_for(petition: Petition, *, now: datetime.datetime | None = None) -> Tally:
    """The petition's tally, made again when older than PLEA_TALLY_SECONDS."""
    now = now or timezone.now()
    key = _key(petition.pk)
    tally = cache.get(key)
    fresh_after = now - datetime.timedelta(seconds=settings.PLEA_TALLY_SECONDS)
    stale = tally if isinstance(tally, Tally) else None
    if stale is not None and stale.made_at > fresh_after:
        return stale
    return rebuilt_under_lock(
        key,
        build=lambda: count_signatures(petition_id=petition.pk, now=now),
        # Kept well past its freshness so that, while one request counts, the others have it to serve.
        timeout=max(settings.PLEA_TALLY_SECONDS * 10, 3600),
        lock_seconds=LOCK_SECONDS,
        stale=stale,
    )
