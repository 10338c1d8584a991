"""CSV exports, streamed so memory stays flat at any size: rows come from a
server-side cursor in chunks and go out in blocks of about 64 KB."""

import json
from collections.abc import Callable, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, models, transaction
from django_countries import countries

from accounts import audit
from core import rate_limits
from core.csv_stream import BLOCK, FORMULA_STARTS, csv_lines, neutralise, to_crlf  # noqa: F401  (neutralise: tests)
from petitions import audit_actions
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


def _delivery_query(petition: Petition) -> models.QuerySet:
    return (
        _delivered(petition)
        .public_signers()
        .order_by("confirmed_at", "pk")
        .values_list("public_name", "public_country", "confirmed_on", "public_reason")
    )


def delivery_rows(petition: Petition) -> Iterator[tuple]:
    """Counted signatures for the decision maker. Names and reasons appear
    only where the public list shows them: a signer who kept their name
    private is delivered as a number, not a name."""
    country_name = _country_names()
    for name, country, confirmed_on, reason in _delivery_query(petition).iterator(chunk_size=CHUNK):
        yield name, country_name(country), confirmed_on.isoformat() if confirmed_on else "", reason


def delivery_csv(petition: Petition, header: list[str]) -> Iterator[str | bytes]:
    """The delivery export as CSV in blocks. On PostgreSQL the server writes
    the rows (COPY ... TO STDOUT) and Python only passes the bytes on; they
    are the bytes csv_lines() makes of delivery_rows(), which SQLite uses."""
    queryset = _delivery_query(petition)
    if connections[queryset.db].vendor != "postgresql":
        return csv_lines(header, delivery_rows(petition))
    return _copied_csv(header, queryset)


def _csv_cell(column: str) -> str:
    # neutralise() in SQL, and "" as NULL: COPY writes an empty string as ""
    # where the csv module writes nothing.
    return f"CASE WHEN left({column}, 1) = ANY(%s) THEN '''' || {column} ELSE NULLIF({column}, '') END"


def _copied_csv(header: list[str], queryset: models.QuerySet) -> Iterator[str | bytes]:
    connection = connections[queryset.db]
    inner, inner_params = queryset.query.get_compiler(connection=connection).as_sql()
    starts = list(FORMULA_STARTS)
    names = {code: str(name) for code, name in countries}
    # The inner query is the ORM's (filters, privacy, order, the day in the
    # current time zone); the outer ones only format. PostgreSQL does not
    # flatten an ordered subquery, so its order is the output's. to_char, not
    # ::text, so the date reads as isoformat() whatever the DateStyle.
    sql = (
        f"COPY (SELECT {_csv_cell('name')}, {_csv_cell('country_name')}, to_char(confirmed_on, 'YYYY-MM-DD'), "
        f"{_csv_cell('reason')} FROM (SELECT name, %s::jsonb ->> country AS country_name, confirmed_on, reason "
        f"FROM ({inner}) AS delivered (name, country, confirmed_on, reason)) AS named) TO STDOUT (FORMAT csv)"
    )
    params = [starts, starts, starts, json.dumps(names), *inner_params]
    yield from csv_lines(header, ())  # the BOM and the translated header
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        block, quoted = bytearray(), False
        for row in copy:  # the server sends a piece per row: gathered into blocks
            block += row
            if len(block) >= BLOCK:
                data, quoted = to_crlf(bytes(block), quoted=quoted)
                yield data
                block.clear()
        if block:
            yield to_crlf(bytes(block), quoted=quoted)[0]


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
        columns: tuple[str, ...]
        action, columns, rows = audit_actions.EXPORT_EMAILS, UPDATE_EMAIL_COLUMNS, _wanting_updates(petition)
    else:
        action, columns, rows = audit_actions.EXPORT_SIGNATURES, DELIVERY_COLUMNS, _delivered(petition)
    with transaction.atomic():
        audit.record(
            by=by,
            action=action,
            subject=petition,
            target=petition,
            details={"columns": list(columns), "rows": rows.count()},
        )


def email_page_record(*, by, petition: Petition, page_number: int, count: int) -> None:
    """Audit a page of full signer addresses an owner opened, like an export."""
    with transaction.atomic():
        audit.record(
            by=by,
            action=audit_actions.VIEW_EMAILS,
            subject=petition,
            target=petition,
            details={"page": page_number, "count": count},
        )


# Whether a given address signed is what an adversary who suspects someone
# most wants to know: owners may ask, a few times an hour, and each asking
# is recorded (that it happened and how many rows matched; never the address).
class TooManyLookups(Exception):
    pass


def address_lookup_start(*, by: AbstractBaseUser) -> None:
    """Count one search of signatures by exact address, before it runs;
    raises TooManyLookups over the address_lookup rule (PLEA_RATE_LIMITS)."""
    if rate_limits.check("address_lookup", key=f"user:{by.pk}") is not None:
        raise TooManyLookups


def address_lookup_record(*, by: AbstractBaseUser, petition: Petition, found: int) -> None:
    """Audit one search by exact address: that it happened, and how many rows matched."""
    with transaction.atomic():
        audit.record(
            by=by,
            action=audit_actions.LOOKUP_EMAIL,
            subject=petition,
            target=petition,
            details={"found": found},
        )
