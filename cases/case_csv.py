"""The CSV format of cases, one row per person, that case editors import
(cases.csv_import) and export (cases.csv_export): a file exported,
corrected and imported again means the same thing."""

from __future__ import annotations

from collections.abc import Iterator

from cases.models import (
    Case,
    CaseName,
    Event,
)

NAME_COLUMNS = {
    "name_latin": (CaseName.Script.LATIN, CaseName.System.AS_REPORTED),
    "name_arabic": (CaseName.Script.ARABIC, CaseName.System.AS_REPORTED),
    "name_cyrillic": (CaseName.Script.CYRILLIC, CaseName.System.AS_REPORTED),
    "name_chinese": (CaseName.Script.CHINESE, CaseName.System.CHINESE_CHARACTERS),
}
CHOICE_COLUMNS = {"gender": Case.Gender, "ethnicity": Case.Ethnicity, "status": Case.Status}
TEXT_COLUMNS = ["unnamed_description", "hometown_prefecture", "hometown_county", "hometown_place"]
EVENT_COLUMNS = {"detained_on": Event.Kind.DETAINED, "last_contact_on": Event.Kind.LAST_CONTACT}
COLUMNS = [
    "reference",
    *NAME_COLUMNS,
    "unnamed_description",
    "gender",
    "ethnicity",
    "status",
    "status_as_of",
    "birth_year",
    "hometown_prefecture",
    "hometown_county",
    "hometown_place",
    "family_country",
    *EVENT_COLUMNS,
    "summary",
    "language",
    "source_publisher",
    "source_title",
    "source_url",
    "other_database",
    "other_database_entry",
    "internal_notes",
]
EXAMPLE_ROW = {
    "name_latin": "Example Person",
    "name_cyrillic": "Пример Адам",
    "gender": "female",
    "ethnicity": "kazakh",
    "status": "detained",
    "status_as_of": "2019-05",
    "birth_year": "1975",
    "hometown_prefecture": "Ili",
    "hometown_county": "Gulja",
    "family_country": "KZ",
    "detained_on": "2018-03",
    "last_contact_on": "2018",
    "summary": "Delete this example row before importing.",
    "language": "en",
    "source_publisher": "Atajurt",
    "source_title": "Video testimony",
    "source_url": "https://example.org/testimony",
    "other_database": "xjvictims",
    "other_database_entry": "https://shahit.biz/eng/viewentry.php?entryno=0",
}


def template_rows() -> Iterator[list]:
    yield [EXAMPLE_ROW.get(column, "") for column in COLUMNS]
