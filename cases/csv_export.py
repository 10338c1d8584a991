"""Cases to CSV in the columns an import reads (cases.case_csv)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch

from cases.case_csv import COLUMNS, EVENT_COLUMNS, NAME_COLUMNS
from cases.models import (
    Case,
    CaseName,
    Event,
)
from cases.partial_dates import DatePrecision


def _partial(date: datetime.date | None, precision: str) -> str:
    if date is None:
        return ""
    formats: dict[str, str] = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}
    return date.strftime(formats.get(precision, "%Y-%m-%d"))


def export_cases():
    """Every case, of any visibility, with what the columns need in a fixed number of queries."""
    return Case.objects.order_by("reference").prefetch_related(
        Prefetch("names", queryset=CaseName.objects.order_by("-preferred", "pk")),
        Prefetch(
            "events",
            queryset=Event.objects.filter(kind__in=EVENT_COLUMNS.values(), date__isnull=False).order_by("date", "pk"),
        ),
        "identifiers",
        "sources",
    )


def export_row(case: Case) -> list:
    names: dict[str, str] = {}
    for name in case.names.all():
        column = next(column for column, (script, _system) in NAME_COLUMNS.items() if script == name.script)
        names.setdefault(column, name.text)
    # The first detention and the latest contact, as the columns mean them.
    detained = next((e for e in case.events.all() if e.kind == Event.Kind.DETAINED), None)
    contacts = [e for e in case.events.all() if e.kind == Event.Kind.LAST_CONTACT]
    contact = contacts[-1] if contacts else None
    identifier = next(iter(case.identifiers.all()), None)
    source = next(iter(case.sources.all()), None)
    values = {
        "reference": case.reference,
        **names,
        "unnamed_description": case.unnamed_description,
        "gender": case.gender,
        "ethnicity": case.ethnicity,
        "status": case.status,
        "status_as_of": case.status_as_of.isoformat() if case.status_as_of else "",
        "birth_year": case.birth_year or "",
        "hometown_prefecture": case.hometown_prefecture,
        "hometown_county": case.hometown_county,
        "hometown_place": case.hometown_place,
        "family_country": str(case.family_country or ""),
        "detained_on": _partial(detained.date, detained.date_precision) if detained else "",
        "last_contact_on": _partial(contact.date, contact.date_precision) if contact else "",
        "summary": case.summary,
        "language": case.language,
        "source_publisher": source.publisher if source else "",
        "source_title": source.title if source else "",
        "source_url": source.url if source else "",
        # The code of a listed database, which reads back in any language.
        "other_database": (identifier.database_name or identifier.database) if identifier else "",
        "other_database_entry": (identifier.url or identifier.number) if identifier else "",
        "internal_notes": case.internal_notes,
    }
    return [values.get(column, "") for column in COLUMNS]


def export_rows() -> Iterator[list]:
    for case in export_cases().iterator(chunk_size=500):
        yield export_row(case)
