"""CSV exports, streamed row by row so memory stays flat at any size."""

import csv
from collections.abc import Iterable, Iterator

from django.db import transaction
from django_countries import countries

from organisers import audit
from organisers.models import AuditEntry
from petitions.models import Petition, Signature

CHUNK = 2000
# A spreadsheet treats a cell starting with one of these as a formula; a
# signer could make an organiser's spreadsheet run one (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object that hands back what is written, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM makes spreadsheets read UTF-8
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def _country(code: str) -> str:
    return str(countries.name(code)) if code else ""


def delivery_rows(petition: Petition) -> Iterator[tuple]:
    """Counted signatures for the decision maker. Names and reasons appear
    only where the public list shows them: a signer who kept their name
    private is delivered as a number, not a name."""
    rows = (
        Signature.objects.filter(petition=petition)
        .public_signers()
        .order_by("confirmed_at", "pk")
        .values_list("public_name", "country", "confirmed_at", "public_reason")
        .iterator(chunk_size=CHUNK)
    )
    for name, country, confirmed_at, reason in rows:
        yield name, _country(country), confirmed_at.date().isoformat() if confirmed_at else "", reason


def update_email_rows(petition: Petition) -> Iterator[tuple]:
    rows = (
        Signature.objects.filter(petition=petition, wants_updates=True)
        .counted()
        .exclude(email="")
        .order_by("pk")
        .values_list("full_name", "email", "country", "language", "confirmed_at")
        .iterator(chunk_size=CHUNK)
    )
    for name, email, country, language, confirmed_at in rows:
        yield name, email, _country(country), language, confirmed_at.date().isoformat() if confirmed_at else ""


def export_record(*, by, petition: Petition, emails: bool) -> None:
    """Audit an export as it starts: who took which data, and how much."""
    action = AuditEntry.Action.EXPORT_EMAILS if emails else AuditEntry.Action.EXPORT_SIGNATURES
    with transaction.atomic():
        audit.record(
            by=by, action=action, petition=petition, target=petition, details={"count": petition.signature_count}
        )
