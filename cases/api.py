"""The public JSON API for cases: what the public case pages show, nothing more.

Only public cases, only testimonies whose consent allows publishing (and the
testifier's name only when it covers the name), only public relatives; no
internal note, contact or draft. Every field is written out here by name, so a
new model field stays private until someone adds it here on purpose. The
data set (cases/data_set.py) is made from the same functions.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from cases.models import Case, CaseIdentifier, CaseName, CaseQuerySet, Source
from core.api_pages import ERRORS, MAX_PAGE, SLUG_MAX_LENGTH, SLUG_PATTERN, Page, page_of
from core.search_query import clean_query

router = Router(tags=["cases"])

PER_PAGE = 50
Statuses = Literal[tuple(Case.Status.values)]
Ethnicities = Literal[tuple(Case.Ethnicity.values)]


class Name(Schema):
    text: str
    script: str
    system: str
    preferred: bool


class Hometown(Schema):
    prefecture: str
    county: str
    place: str


class CaseSummary(Schema):
    reference: str
    url: str = Field(description="The case's page.")
    api_url: str
    name: str = Field(description="The preferred spelling, or how the sources refer to an unnamed person.")
    names: list[Name] = Field(description="Every spelling of the name the sources give, preferred first.")
    status: str = Field(description=f"One of: {', '.join(Case.Status.values)}.")
    status_label: str
    status_as_of: datetime.date | None
    gender: str
    ethnicity: str
    hometown: Hometown
    family_country: str = Field(description="ISO 3166-1 alpha-2 code of the country where the family lives, or empty.")
    published_at: datetime.datetime | None


class SourceOut(Schema):
    id: int
    publisher: str
    title: str
    author: str
    url: str
    published_on: datetime.date | None
    kind: str


class EventOut(Schema):
    kind: str
    kind_label: str
    date: str = Field(description='As precise as the sources are: "2017", "2018-08" or "2018-01-22"; empty if none.')
    place: str
    description: str = Field(description="Markdown.")
    sources: list[int] = Field(description="Ids of entries in `sources`.")


class TestimonyOut(Schema):
    given_by: str = Field(description="The testifier's name when they agreed to be named, else how they are described.")
    given_at: str
    date: str
    collected_by: str
    summary: str = Field(description="Markdown.")
    source: int | None


class RelativeOut(Schema):
    reference: str
    name: str
    relationship: str = Field(description="What the relative is to this person.")
    url: str


class IdentifierOut(Schema):
    database: str = Field(description=f"One of: {', '.join(CaseIdentifier.Database.values)}.")
    database_name: str = Field(description="The database's name, in English for the listed ones.")
    number: str = Field(description="The entry's number in that database, or empty.")
    url: str = Field(description="The entry's web address, or empty.")


class PetitionLink(Schema):
    slug: str
    title: str
    url: str
    signature_count: int


class SummaryTranslation(Schema):
    language: str
    summary: str


class CaseDetail(CaseSummary):
    age_reported: int | None
    age_reported_on: datetime.date | None
    birth_year: int | None
    summary: str = Field(description="Markdown, in `language`; see `translations` for others.")
    language: str
    translations: list[SummaryTranslation]
    timeline: list[EventOut]
    testimonies: list[TestimonyOut]
    sources: list[SourceOut]
    other_databases: list[IdentifierOut] = Field(description="The same person's entries in other databases.")
    relatives: list[RelativeOut]
    petitions: list[PetitionLink]


class CasePage(Page):
    results: list[CaseSummary]


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def public_names(case: Case) -> list[CaseName]:
    # A person the sources do not name shows no spelling on the page.
    return [] if case.name_unknown else list(case.ordered_names)


def case_summary(request: HttpRequest | None, case: Case) -> dict:
    return {
        "reference": case.reference,
        "url": _absolute(request, case.get_absolute_url()),
        "api_url": _absolute(request, reverse("api:case", kwargs={"reference": case.reference})),
        "name": case.display_name,
        "names": [
            {"text": name.text, "script": name.script, "system": name.system, "preferred": name.preferred}
            for name in public_names(case)
        ],
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "status_as_of": case.status_as_of,
        "gender": case.gender,
        "ethnicity": case.ethnicity,
        "hometown": {
            "prefecture": case.hometown_prefecture,
            "county": case.hometown_county,
            "place": case.hometown_place,
        },
        "family_country": str(case.family_country or ""),
        "published_at": case.approved_at,
    }


def public_cases_in_full() -> CaseQuerySet:
    return Case.objects.public().with_public_details()


def _source(source: Source) -> dict:
    return {
        "id": source.pk,
        "publisher": source.publisher,
        "title": source.title,
        "author": source.author,
        "url": source.url,
        "published_on": source.published_on,
        "kind": source.kind,
    }


def case_detail_data(request: HttpRequest | None, case: Case, *, with_links: bool = True) -> dict:
    """A case from public_cases_in_full(). `with_links` adds relatives and
    petitions (a query each: left out of the bulk data set, which has both ends)."""
    data = {
        **case_summary(request, case),
        "age_reported": case.age_reported,
        "age_reported_on": case.age_reported_on,
        "birth_year": case.birth_year,
        "summary": case.summary,
        "language": case.language,
        "translations": [{"language": text.language, "summary": text.summary} for text in case.texts.all()],
        "timeline": [
            {
                "kind": event.kind,
                "kind_label": str(event.get_kind_display()),
                "date": event.date_iso,
                "place": event.place,
                "description": event.description,
                "sources": [source.pk for source in event.sources.all()],
            }
            for event in case.events.all()
        ],
        "testimonies": [
            {
                "given_by": testimony.public_testifier,
                "given_at": testimony.given_at,
                "date": testimony.date_iso,
                "collected_by": testimony.collected_by,
                "summary": testimony.summary,
                "source": testimony.source_id,
            }
            for testimony in case.public_testimonies
        ],
        "sources": [_source(source) for source in case.cited_sources()],
        "other_databases": [
            {
                "database": identifier.database,
                "database_name": identifier.database_label,
                "number": identifier.number,
                "url": identifier.url,
            }
            for identifier in case.identifiers.all()
        ],
        "relatives": [],
        "petitions": [],
    }
    if with_links:
        data["relatives"] = [
            {
                "reference": relative.reference,
                "name": relative.display_name,
                "relationship": str(label),
                "url": _absolute(request, relative.get_absolute_url()),
            }
            for relative, label in case.related_public_cases()
        ]
        data["petitions"] = [
            {
                "slug": petition.slug,
                "title": petition.title,
                "url": _absolute(request, petition.get_absolute_url()),
                "signature_count": petition.signature_count,
            }
            for petition in case.petitions.published().most_signed()
        ]
    return data


@router.get("/cases/", response={200: CasePage, **ERRORS}, url_name="cases", summary="Public cases")
def case_list(
    request: HttpRequest,
    q: str = Query("", max_length=500, description="A name, in any script or spelling."),
    status: Statuses | None = None,
    ethnicity: Ethnicities | None = None,
    prefecture: str = Query("", max_length=100),
    country: str = Query("", max_length=2, description="Where the family lives: ISO 3166-1 alpha-2 code."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    """The people documented here, by reference. Filters combine."""
    cases = Case.objects.public()
    if status:
        cases = cases.filter(status=status)
    if ethnicity:
        cases = cases.filter(ethnicity=ethnicity)
    if prefecture := clean_query(prefecture):
        cases = cases.filter(hometown_prefecture=prefecture)
    if country := clean_query(country).upper():
        cases = cases.filter(family_country=country)
    if query := clean_query(q):
        cases = cases.search(query)
    return page_of(
        request,
        cases.with_names().order_by("reference"),
        number=page,
        per_page=PER_PAGE,
        serialise=lambda case: case_summary(request, case),
    )


@router.get("/cases/{reference}/", response={200: CaseDetail, **ERRORS}, url_name="case", summary="One public case")
def case_detail(request: HttpRequest, reference: str = Path(..., pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)):
    """A public case with its names, timeline, published testimonies, sources,
    public relatives and the petitions for them."""
    return case_detail_data(request, get_object_or_404(public_cases_in_full(), reference=reference))
