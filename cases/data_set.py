"""Every public case as one download, CSV or JSON, for researchers and UN
submissions. The same fields as the API (cases/api.py), under a stated
licence; streamed, so memory stays flat however many cases there are.
"""

import datetime
import json
from collections.abc import Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from cases.api import case_detail_data, public_cases_in_full
from cases.models import Case, Event
from core.csv_stream import csv_lines
from core.public_data import allow_any_origin, too_many_requests

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CHUNK = 500

CSV_COLUMNS = [
    "reference",
    "url",
    "name",
    "other_names",
    "status",
    "status_as_of",
    "gender",
    "ethnicity",
    "age_reported",
    "age_reported_on",
    "birth_year",
    "hometown_prefecture",
    "hometown_county",
    "hometown_place",
    "family_country",
    "first_detained",
    "summary",
    "sources",
    "published_at",
    "other_databases",
]


def _cases() -> Iterator[Case]:
    return public_cases_in_full().order_by("reference").iterator(chunk_size=CHUNK)


def csv_rows() -> Iterator[list]:
    with translation.override(settings.LANGUAGE_CODE):
        for case in _cases():
            data = case_detail_data(None, case, with_links=False)
            detained = [e["date"] for e in data["timeline"] if e["kind"] in Event.DETENTION_KINDS]
            yield [
                data["reference"],
                data["url"],
                data["name"],
                " | ".join(name["text"] for name in data["names"][1:]),
                data["status"],
                data["status_as_of"] or "",
                data["gender"],
                data["ethnicity"],
                data["age_reported"] if data["age_reported"] is not None else "",
                data["age_reported_on"] or "",
                data["birth_year"] or "",
                data["hometown"]["prefecture"],
                data["hometown"]["county"],
                data["hometown"]["place"],
                data["family_country"],
                min((date for date in detained if date), default=""),
                data["summary"],
                " | ".join(source["url"] or f"{source['publisher']}: {source['title']}" for source in data["sources"]),
                data["published_at"].isoformat() if data["published_at"] else "",
                " | ".join(
                    f"{entry['database_name']}: {entry['number'] or entry['url']}" for entry in data["other_databases"]
                ),
            ]


def json_pieces(*, now: datetime.datetime) -> Iterator[str]:
    head = {
        "title": "Plea: public cases",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "source": settings.SITE_URL,
        "generated_at": now,
    }
    yield json.dumps(head, cls=DjangoJSONEncoder, ensure_ascii=False)[:-1] + ', "cases": ['
    with translation.override(settings.LANGUAGE_CODE):
        for index, case in enumerate(_cases()):
            data = case_detail_data(None, case, with_links=False)
            yield ("," if index else "") + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]}"


def _download(request: HttpRequest, pieces: Iterator[str], *, content_type: str, extension: str) -> HttpResponse:
    refused = too_many_requests(request, rule="dataset")
    if refused is not None:
        return refused
    response = StreamingHttpResponse(pieces, content_type=content_type)
    day = timezone.now().date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="plea-cases-{day}.{extension}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return allow_any_origin(response)


@require_safe
def cases_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        request, csv_lines(CSV_COLUMNS, csv_rows()), content_type="text/csv; charset=utf-8", extension="csv"
    )


@require_safe
def cases_json(request: HttpRequest) -> HttpResponse:
    return _download(
        request, json_pieces(now=timezone.now()), content_type="application/json; charset=utf-8", extension="json"
    )
