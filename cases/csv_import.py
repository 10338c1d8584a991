"""Cases from CSV, for case editors.

`read_upload` checks a file (size, encoding, columns, at most MAX_ROWS rows)
and every row (each problem said in words), and marks the rows that look like
people already here: the same spelling of a name (words in any order, case
and accents aside) or the same entry of another database. The result is kept
in a CaseImport until its uploader confirms it; `case_import_confirm` then
creates exactly what the preview showed, as drafts, audited.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Field, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from accounts.audit import record
from cases import audit_actions
from cases.case_csv import CHOICE_COLUMNS, COLUMNS, EVENT_COLUMNS, NAME_COLUMNS, TEXT_COLUMNS
from cases.models import (
    Case,
    CaseIdentifier,
    CaseImport,
    CaseName,
    Event,
    InvalidTransition,
    Source,
    Visibility,
    forget_filter_options,
)
from cases.partial_dates import DatePrecision, truncate_to_precision
from cases.search_keys import name_search_key
from core.csv_stream import FORMULA_STARTS
from core.validators import reject_control_characters, reject_control_characters_multiline

MAX_ROWS = 5_000
MAX_BYTES = 5 * 1024 * 1024
# Spellings of up to this many words are also matched in any word order.
REORDERED_WORDS = 4
QUERY_CHUNK = 500


class UploadRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Row:
    line: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lookalikes: list[int] = field(default_factory=list)
    same_as_line: int | None = None

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "values": self.values,
            "errors": self.errors,
            "lookalikes": self.lookalikes,
            "same_as_line": self.same_as_line,
        }


def decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark; anything else is refused
    with what to do, rather than guessed (a wrong guess garbles names)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused(
            _("This file is saved as UTF-16. Save it as “CSV UTF-8” in your spreadsheet and upload it again.")
        )
    if b"\x00" in data:
        raise UploadRefused(_("This is not a CSV text file. Save your spreadsheet as “CSV UTF-8” and upload that."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UploadRefused(
            _(
                "This file is not UTF-8 text (the first problem is on line %(line)s). Save it as “CSV UTF-8” in "
                "your spreadsheet and upload it again."
            )
            % {"line": line}
        ) from error


def _unneutralised(text: str) -> str:
    """A cell our export prefixed with an apostrophe against formulas reads
    back as it was."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and (line number, {column: text}) of each non-empty row."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [column.strip().lower() for column in next(reader, [])]
        if not any(header):
            raise UploadRefused(_("The file is empty. Start from the template: its first line names the columns."))
        unknown = [column for column in header if column and column not in COLUMNS]
        if unknown:
            raise UploadRefused(
                _("Unknown columns: %(columns)s. Use the template's column names.") % {"columns": ", ".join(unknown)}
            )
        if not set(header) & {*NAME_COLUMNS, "unnamed_description"}:
            raise UploadRefused(_("The file needs at least one name column, e.g. name_latin."))
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise UploadRefused(
                    _("This file has more than %(limit)s people. Import at most %(limit)s at a time: split the file.")
                    % {"limit": f"{MAX_ROWS:,}"}
                )
            values = {column: _unneutralised(cell.strip()) for column, cell in zip(header, cells, strict=False)}
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                values["__extra__"] = "1"
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise UploadRefused(
            _("Line %(line)s cannot be read as CSV (%(problem)s). Check its quotation marks.")
            % {"line": reader.line_num, "problem": error}
        ) from error
    if not rows:
        raise UploadRefused(_("The file has column names but no people."))
    return header, rows


def parse_partial_date(text: str) -> tuple[datetime.date, str] | None:
    """ "2017", "2018-08" or "2018-01-22" → (date, precision); None if not a date."""
    parts = text.split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            return datetime.date(int(parts[0]), 1, 1), DatePrecision.YEAR
        if len(parts) == 2 and len(parts[0]) == 4:
            return datetime.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
        if len(parts) == 3 and len(parts[0]) == 4:
            return datetime.date(int(parts[0]), int(parts[1]), int(parts[2])), DatePrecision.DAY
    except ValueError:
        return None
    return None


def _choice(column: str, text: str, choices) -> tuple[str, str | None]:
    if not text:
        return choices.UNKNOWN.value, None
    with translation.override("en"):
        known = {value.lower(): value for value in choices.values} | {
            str(label).lower(): value for value, label in choices.choices
        }
    if text.lower() in known:
        return known[text.lower()], None
    return "", _("%(column)s “%(value)s” is not one of: %(allowed)s.") % {
        "column": column,
        "value": text[:50],
        "allowed": ", ".join(choices.values),
    }


def _too_long(column: str, text: str, limit: int) -> str | None:
    if len(text) > limit:
        return _("%(column)s is longer than %(limit)s characters.") % {"column": column, "limit": f"{limit:,}"}
    return None


def _checked_text(column: str, text: str, *, limit: int, multiline: bool = False) -> list[str]:
    errors = [_too_long(column, text, limit)]
    try:
        (reject_control_characters_multiline if multiline else reject_control_characters)(text)
    except ValidationError:
        errors.append(_("%(column)s holds invisible control characters.") % {"column": column})
    return [error for error in errors if error]


def _database(text: str) -> tuple[str, str]:
    """(database code, name for “other”) from a code, a listed name, or any other name."""
    with translation.override("en"):
        known = {value: value for value in CaseIdentifier.Database.values} | {
            str(label).lower(): value for value, label in CaseIdentifier.Database.choices
        }
    code = known.get(text.lower())
    if code and code != CaseIdentifier.Database.OTHER:
        return code, ""
    return CaseIdentifier.Database.OTHER, text


def check_row(line: int, cells: dict) -> Row:
    """The row's values as a case would hold them, and every problem in words."""
    row = Row(line=line)
    errors = row.errors
    if cells.get("__extra__"):
        errors.append(_("The row has more cells than the file has columns."))
    names = []
    for column, (script, system) in NAME_COLUMNS.items():
        text = " ".join(cells.get(column, "").split())
        if text:
            errors += _checked_text(column, text, limit=200)
            names.append([text, script, system])
    description = cells.get("unnamed_description", "")
    if not names and not description:
        errors.append(_("Give a name in at least one script, or unnamed_description for a person not named."))
    values: dict = {"names": names, "name_unknown": not names}
    for column in TEXT_COLUMNS:
        text = cells.get(column, "")
        errors += _checked_text(column, text, limit=cast(int, cast(Field, Case._meta.get_field(column)).max_length))
        values[column] = text
    for column, choices in CHOICE_COLUMNS.items():
        values[column], error = _choice(column, cells.get(column, ""), choices)
        errors += [error] if error else []

    reference = cells.get("reference", "")
    if reference:
        try:
            validate_slug(reference)
            errors += [_too_long("reference", reference, 80)] if len(reference) > 80 else []  # type: ignore[list-item]  # over 80: always a message
        except ValidationError:
            errors.append(_("reference may hold only letters, digits, hyphens and underscores."))
    values["reference"] = reference

    status_as_of = cells.get("status_as_of", "")
    parsed = parse_partial_date(status_as_of) if status_as_of else None
    if status_as_of and parsed is None:
        errors.append(_("status_as_of “%(value)s” is not a date like 2019-05-20.") % {"value": status_as_of[:30]})
    values["status_as_of"] = parsed[0].isoformat() if parsed else ""

    birth_year = cells.get("birth_year", "")
    values["birth_year"] = None
    if birth_year:
        if birth_year.isdigit() and 1900 <= int(birth_year) <= timezone.localdate().year:
            values["birth_year"] = int(birth_year)
        else:
            errors.append(_("birth_year “%(value)s” is not a year.") % {"value": birth_year[:30]})

    country = cells.get("family_country", "")
    values["family_country"] = ""
    if country:
        code = countries.alpha2(country) or countries.by_name(country)
        if code:
            values["family_country"] = code
        else:
            errors.append(_("family_country “%(value)s” is not a country or its code.") % {"value": country[:60]})

    for column in EVENT_COLUMNS:
        text = cells.get(column, "")
        parsed = parse_partial_date(text) if text else None
        if parsed is not None and parsed[0] > timezone.localdate():
            parsed = None
        if text and parsed is None:
            errors.append(
                _("%(column)s “%(value)s” is not a past date like 2018-01-22, 2018-08 or 2017.")
                % {"column": column, "value": text[:30]}
            )
        values[column] = [parsed[0].isoformat(), str(parsed[1])] if parsed else None

    summary = cells.get("summary", "")
    errors += _checked_text("summary", summary, limit=10_000, multiline=True)
    values["summary"] = summary
    language = cells.get("language", "") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        errors.append(
            _("language “%(value)s” is not one of: %(allowed)s.")
            % {"value": language[:20], "allowed": ", ".join(code for code, _name in settings.LANGUAGES)}
        )
    values["language"] = language
    notes = cells.get("internal_notes", "")
    errors += _checked_text("internal_notes", notes, limit=10_000, multiline=True)
    values["internal_notes"] = notes

    publisher, title, url = (cells.get(f"source_{part}", "") for part in ("publisher", "title", "url"))
    values["source"] = None
    if publisher or title or url:
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors.append(_("source_url “%(value)s” is not a web address.") % {"value": url[:80]})
        if not (publisher and title):
            errors.append(_("A source needs both source_publisher and source_title."))
        errors += _checked_text("source_publisher", publisher, limit=200)
        errors += _checked_text("source_title", title, limit=300)
        values["source"] = {"publisher": publisher, "title": title, "url": url}

    database, entry = cells.get("other_database", ""), cells.get("other_database_entry", "")
    values["identifier"] = None
    if database or entry:
        code, database_name = _database(database)
        is_url = entry.lower().startswith(("https://", "http://"))
        identifier = CaseIdentifier(
            database=code, database_name=database_name, number="" if is_url else entry, url=entry if is_url else ""
        )
        try:
            identifier.clean()
            identifier.clean_fields(exclude=["case"])
        except ValidationError as error:
            errors += [f"other_database_entry: {message}" for message in error.messages]
        values["identifier"] = {
            "database": identifier.database,
            "database_name": identifier.database_name,
            "number": identifier.number,
            "url": identifier.url,
        }
    row.values = values
    return row


def _name_keys(text: str) -> set[str]:
    key = name_search_key(text)
    words = key.split()
    if 1 < len(words) <= REORDERED_WORDS:
        return {" ".join(order) for order in itertools.permutations(words)}
    return {key} if key else set()


def _chunks(items: Iterable, size: int = QUERY_CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def mark_lookalikes(rows: list[Row]) -> None:
    """Each row's people already here (any visibility: this is for case
    editors) by spelling, in chunked queries rather than one per row; an
    entry of another database that a case already holds is an error (it is
    that person), and rows of the file that repeat one another are marked."""
    key: Any  # a name's search key first, then an entry's (database, name, kind, value)
    keys_of = {row.line: set().union(*(_name_keys(name[0]) for name in row.values["names"])) for row in rows}
    found: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(set().union(*keys_of.values())):
        for key, case_id in CaseName.objects.filter(search_key__in=chunk).values_list("search_key", "case_id"):
            found[key].add(case_id)
    first_with_key: dict[str, int] = {}
    for row in rows:
        row.lookalikes = sorted(set().union(*(found[key] for key in keys_of[row.line])))
        for key in sorted(keys_of[row.line]):
            if key in first_with_key and row.same_as_line is None:
                row.same_as_line = first_with_key[key]
            first_with_key.setdefault(key, row.line)

    entries = [(row, row.values["identifier"]) for row in rows if row.values["identifier"]]
    holders: dict[tuple, int] = {}
    numbers = {entry["number"] for _row, entry in entries if entry["number"]}
    urls = {entry["url"] for _row, entry in entries if entry["url"]}
    for chunk in _chunks([("number", value) for value in numbers] + [("url", value) for value in urls]):
        condition = Q(number__in=[v for k, v in chunk if k == "number"]) | Q(
            url__in=[v for k, v in chunk if k == "url"]
        )
        for database, name, number, url, case_id in CaseIdentifier.objects.filter(condition).values_list(
            "database", "database_name", "number", "url", "case_id"
        ):
            if number:
                holders[(database, name.casefold(), "number", number)] = case_id
            if url:
                holders[(database, name.casefold(), "url", url)] = case_id
    references = dict(Case.objects.filter(pk__in=set(holders.values())).values_list("pk", "reference"))
    seen: dict[tuple, int] = {}
    for row, entry in entries:
        keys = [
            (entry["database"], entry["database_name"].casefold(), kind, entry[kind])
            for kind in ("number", "url")
            if entry[kind]
        ]
        holder = next((holders[key] for key in keys if key in holders), None)
        if holder is not None:
            row.errors.append(
                _("This entry of %(database)s is already case “%(reference)s”: this row is that person.")
                % {"database": entry["database_name"] or entry["database"], "reference": references.get(holder, "")}
            )
            row.lookalikes = sorted({*row.lookalikes, holder})
        repeated = next((seen[key] for key in keys if key in seen), None)
        if repeated is not None:
            row.errors.append(_("Line %(line)s has the same entry of another database.") % {"line": repeated})
        for key in keys:
            seen.setdefault(key, row.line)


def _check_references(rows: list[Row]) -> None:
    given = [row for row in rows if row.values["reference"] and not row.errors]
    taken = set()
    for chunk in _chunks({row.values["reference"] for row in given}):
        taken |= set(Case.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    first: dict[str, int] = {}
    for row in given:
        reference = row.values["reference"]
        if reference in taken:
            row.errors.append(_("The reference “%(reference)s” is already a case's.") % {"reference": reference})
        elif reference in first:
            row.errors.append(_("Line %(line)s has the same reference.") % {"line": first[reference]})
        first.setdefault(reference, row.line)


def too_large() -> UploadRefused:
    return UploadRefused(
        _("This file is larger than %(size)s MB. Import at most %(rows)s people at a time: split the file.")
        % {"size": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}
    )


def read_upload(data: bytes) -> list[Row]:
    """Every row of an uploaded file, checked and compared with the cases
    here. Raises UploadRefused for a file that cannot be read at all."""
    if len(data) > MAX_BYTES:
        raise too_large()
    _header, cells = read_rows(decode(data))
    rows = [check_row(line, values) for line, values in cells]
    _check_references(rows)
    mark_lookalikes(rows)
    return rows


def case_import_create(*, by, file_name: str, rows: list[Row], now: datetime.datetime | None = None) -> CaseImport:
    """Keep a checked file for its uploader to confirm; forget expired ones."""
    with transaction.atomic():
        CaseImport.objects.expired(now=now).delete()
        return CaseImport.objects.create(
            uploaded_by=by,
            uploaded_at=now or timezone.now(),
            file_name=file_name[:200],
            rows=[row.as_json() for row in rows],
        )


def importable(row: dict, *, include_lookalikes: set[int]) -> bool:
    """A row without errors; one that looks like someone here, or repeats an
    earlier line, only when the editor ticked it."""
    if row["errors"]:
        return False
    needs_tick = bool(row["lookalikes"]) or row["same_as_line"] is not None
    return not needs_tick or row["line"] in include_lookalikes


def _new_references(rows: list[dict]) -> dict[int, str]:
    """A reference for each row that gave none, made from its Latin name and
    free both among cases and within the file."""
    wanted = {row["line"]: row["values"]["reference"] for row in rows}
    reserved = {reference for reference in wanted.values() if reference}
    bases = {}
    for row in rows:
        if not wanted[row["line"]]:
            latin = next((name[0] for name in row["values"]["names"] if name[1] == CaseName.Script.LATIN), "")
            bases[row["line"]] = (slugify(latin)[:60] or "case").strip("-") or "case"
    taken = set(reserved)
    # The bases first; numbered variants only of those taken or repeated,
    # so that 5,000 new names cost a few queries, not one per name.
    for chunk in _chunks(set(bases.values())):
        taken |= set(Case.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    repeated = {base for base, count in Counter(bases.values()).items() if count > 1 or base in taken}
    for chunk in _chunks({f"{base}-{n}" for base in repeated for n in range(2, 10)}):
        taken |= set(Case.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    made = {}
    for line, base in bases.items():
        reference = next(
            (c for c in (f"{base}-{n}" if n > 1 else base for n in range(1, 10)) if c not in taken),
            f"{base}-{secrets.token_hex(3)}",
        )
        taken.add(reference)
        made[line] = reference
    return {line: wanted[line] or made[line] for line in wanted}


def _sources(rows: list[dict]) -> dict[tuple, Source]:
    """One Source per distinct (publisher, title, url) in the file: an existing
    one with the same address (or, without one, the same publisher and title),
    else a new one."""
    found = {}
    for row in rows:
        source = row["values"]["source"]
        if not source:
            continue
        key = (source["publisher"], source["title"], source["url"])
        if key in found:
            continue
        match = Source.objects.filter(url=source["url"]) if source["url"] else None
        match = match or Source.objects.filter(publisher=source["publisher"], title=source["title"], url="")
        found[key] = match.order_by("pk").first() or Source.objects.create(
            publisher=source["publisher"], title=source["title"], url=source["url"], kind=Source.Kind.OTHER
        )
    return found


def case_import_confirm(
    *, upload: CaseImport, by, include_lookalikes: set[int], now: datetime.datetime | None = None
) -> list[Case]:
    """Create the previewed rows as draft cases, in one transaction, once."""
    try:
        return _confirm(upload=upload, by=by, include_lookalikes=include_lookalikes, now=now or timezone.now())
    except IntegrityError as clash:
        raise InvalidTransition(
            _("A reference or an entry of another database in this file was taken since the preview: upload it again.")
        ) from clash


def _confirm(*, upload: CaseImport, by, include_lookalikes: set[int], now: datetime.datetime) -> list[Case]:
    with transaction.atomic():
        upload = CaseImport.objects.select_for_update().get(pk=upload.pk)
        if upload.uploaded_by_id != by.pk:
            raise InvalidTransition(_("Only the person who uploaded a file can import it."))
        if upload.state != CaseImport.State.WAITING:
            raise InvalidTransition(_("This file has already been imported."))
        if upload.uploaded_at < now - CaseImport.KEPT_FOR:
            raise InvalidTransition(_("This upload has expired. Upload the file again."))
        rows = [row for row in upload.rows if importable(row, include_lookalikes=include_lookalikes)]
        references = _new_references(rows)
        sources = _sources(rows)
        cases = Case.objects.bulk_create(
            [
                Case(
                    reference=references[row["line"]],
                    visibility=Visibility.DRAFT,
                    name_unknown=row["values"]["name_unknown"],
                    unnamed_description=row["values"]["unnamed_description"],
                    gender=row["values"]["gender"],
                    ethnicity=row["values"]["ethnicity"],
                    status=row["values"]["status"],
                    status_as_of=row["values"]["status_as_of"] or None,
                    birth_year=row["values"]["birth_year"],
                    hometown_prefecture=row["values"]["hometown_prefecture"],
                    hometown_county=row["values"]["hometown_county"],
                    hometown_place=row["values"]["hometown_place"],
                    family_country=row["values"]["family_country"],
                    summary=row["values"]["summary"],
                    language=row["values"]["language"],
                    internal_notes=row["values"]["internal_notes"],
                    created_at=now,
                )
                for row in rows
            ]
        )
        names, events, identifiers, citations = [], [], [], []
        for case, row in zip(cases, rows, strict=True):
            values = row["values"]
            for index, (text, script, system) in enumerate(values["names"]):
                names.append(
                    CaseName(
                        case=case,
                        text=text,
                        script=script,
                        system=system,
                        preferred=index == 0,
                        search_key=name_search_key(text),
                    )
                )
            for position, (column, kind) in enumerate(EVENT_COLUMNS.items()):
                if values[column]:
                    date, precision = datetime.date.fromisoformat(values[column][0]), values[column][1]
                    events.append(
                        Event(
                            case=case,
                            kind=kind,
                            date=truncate_to_precision(date, precision),
                            date_precision=precision,
                            position=position,
                        )
                    )
            if values["identifier"]:
                identifiers.append(CaseIdentifier(case=case, **values["identifier"]))
            if values["source"]:
                source = sources[(values["source"]["publisher"], values["source"]["title"], values["source"]["url"])]
                citations.append(Case.sources.through(case_id=case.pk, source_id=source.pk))
        # Drafts: no search-vocabulary entries (public people's only), so
        # rows go in bulk without each spelling's save.
        CaseName.objects.bulk_create(names)
        Event.objects.bulk_create(events)
        CaseIdentifier.objects.bulk_create(identifiers)
        Case.sources.through.objects.bulk_create(citations)
        upload.state, upload.imported_at = CaseImport.State.IMPORTED, now
        upload.save(update_fields=["state", "imported_at"])
        record(
            by=by, action=audit_actions.CASE_IMPORT, target=upload, target_type="caseimport",
            details={
                "file": upload.file_name, "created": len(cases), "skipped": len(upload.rows) - len(cases),
                "references": [case.reference for case in cases][:200],
            },
        )  # fmt: skip
        forget_filter_options()
    return cases


def import_summary(created: int, skipped: int) -> str:
    done = ngettext("%(count)s draft case created.", "%(count)s draft cases created.", created) % {"count": created}
    if not skipped:
        return done
    return (
        done
        + " "
        + ngettext("%(count)s row was left out.", "%(count)s rows were left out.", skipped) % {"count": skipped}
    )
