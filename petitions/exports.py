"""CSV exports, streamed so memory stays flat at any size: rows come from a
server-side cursor in chunks and go out in blocks of about 64 KB."""

from collections.abc import Callable, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_countries import countries

from accounts import audit
from accounts.models import AuditEntry
from core.csv_stream import csv_lines, neutralise  # noqa: F401  (the views and tests use them from here)
from petitions.models import Petition, Signature, SignatureQuerySet

CHUNK = 2000


def _country_names() -> Callable[[str], str]:
    """Country name by code in the current language, looked up once per code
    per export (each lookup goes through the translation machinery)."""
    names: dict[str, str] = {"": ""}

    def name(code: str) -> str:
        if code not in names:
            names[code] = str(countries.name(code))
        return names[code]

    return name


# What each export holds, as recorded in the audit log (the CSV headers are
# translated; these names stay the same in every language).
DELIVERY_COLUMNS = ("name", "country", "date", "reason")
UPDATE_EMAIL_COLUMNS = ("name", "email", "country", "language", "date")


def _delivered(petition: Petition) -> SignatureQuerySet:
    return Signature.objects.filter(petition=petition).counted()


def _wanting_updates(petition: Petition) -> SignatureQuerySet:
    return Signature.objects.filter(petition=petition, wants_updates=True).counted().exclude(email="")


def delivery_rows(petition: Petition) -> Iterator[tuple]:
    """Counted signatures for the decision maker. Names and reasons appear
    only where the public list shows them: a signer who kept their name
    private is delivered as a number, not a name."""
    rows = (
        _delivered(petition)
        .public_signers()
        .order_by("confirmed_at", "pk")
        .values_list("public_name", "public_country", "confirmed_on", "public_reason")
        .iterator(chunk_size=CHUNK)
    )
    country_name = _country_names()
    for name, country, confirmed_on, reason in rows:
        yield name, country_name(country), confirmed_on.isoformat() if confirmed_on else "", reason


def update_email_rows(petition: Petition) -> Iterator[tuple]:
    rows = (
        _wanting_updates(petition)
        .order_by("pk")
        .values_list("full_name", "email", "country", "language", "confirmed_at")
        .iterator(chunk_size=CHUNK)
    )
    country_name = _country_names()
    for name, email, country, language, confirmed_at in rows:
        yield name, email, country_name(country), language, confirmed_at.date().isoformat() if confirmed_at else ""


def export_record(*, by: AbstractBaseUser, petition: Petition, emails: bool) -> None:
    """Audit an export as it starts: who took which data, and how much of it
    (the rows the export holds, which for the emails is far fewer than the
    signatures)."""
    if emails:
        action, columns, rows = AuditEntry.Action.EXPORT_EMAILS, UPDATE_EMAIL_COLUMNS, _wanting_updates(petition)
    else:
        action, columns, rows = AuditEntry.Action.EXPORT_SIGNATURES, DELIVERY_COLUMNS, _delivered(petition)
    with transaction.atomic():
        audit.record(
            by=by,
            action=action,
            petition=petition,
            target=petition,
            details={"columns": list(columns), "rows": rows.count()},
        )


def email_page_record(*, by, petition: Petition, page_number: int, count: int) -> None:
    """Audit a page of full signer addresses an owner opened, like an export."""
    with transaction.atomic():
        audit.record(
            by=by,
            action=AuditEntry.Action.VIEW_EMAILS,
            petition=petition,
            target=petition,
            details={"page": page_number, "count": count},
        )
