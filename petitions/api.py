"""The public JSON API for petitions: what the petition pages show, nothing more.

Every field is written out here by name from the public record: a field the
pages do not show (a signer, an email address, an IP hash, a draft) cannot
reach the API by being added to a model.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_countries import countries
from ninja import Field, Path, Query, Router, Schema

from cases.models import Case
from core.api_pages import ERRORS, MAX_PAGE, SLUG_MAX_LENGTH, SLUG_PATTERN, Page, page_of
from core.search_query import clean_query
from petitions import transparency
from petitions.models import Petition, PetitionUpdate
from petitions.tallies import Tally, tally_for
from petitions.templatetags.petition_updates import SHOWN_UPDATES

router = Router(tags=["petitions"])

PER_PAGE = 20
PUBLIC_STATUSES = Literal["open", "closed", "victory"]


def public_status(petition: Petition) -> str:
    """What the page's badge says: an open petition past its closing date is closed."""
    if petition.status == Petition.Status.VICTORY:
        return "victory"
    return "open" if petition.accepts_signatures() else "closed"


class Translation(Schema):
    language: str
    title: str
    summary: str
    story: str = Field(description="Markdown.")


class PetitionSummary(Schema):
    slug: str
    url: str = Field(description="The petition's page.")
    api_url: str
    title: str = Field(description="In the petition's own language; see `translations` for others.")
    summary: str
    language: str
    addressed_to: str
    organiser_name: str
    status: PUBLIC_STATUSES
    opened_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    signature_count: int = Field(
        description="Confirmed signatures online (the figures by country and day count these)."
    )
    paper_signature_count: int = Field(description="Signatures gathered on paper, as the organisers counted them.")
    total_signature_count: int = Field(description="Online and on paper: the count on the page.")
    goal: int = Field(description="The next goal the page shows (fixed by the organisers or the next round number).")


class CountryCount(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    name: str
    signatures: int


class DayCount(Schema):
    day: datetime.date
    signatures: int = Field(description="Signatures confirmed that day that still count.")
    total: int = Field(description="Signatures up to and including that day.")


class SignatureFigures(Schema):
    counted_at: datetime.datetime = Field(description="These figures are counted every few minutes.")
    by_country: list[CountryCount] = Field(description="Countries with at least 5 signatures.")
    other_countries: int = Field(description="Signatures from countries with fewer than 5, or with no country given.")
    by_day: list[DayCount]


class Update(Schema):
    title: str
    body: str = Field(description="Markdown.")
    posted_at: datetime.datetime


class PersonLink(Schema):
    reference: str
    name: str
    url: str
    api_url: str


class PetitionDetail(PetitionSummary):
    story: str = Field(description="Markdown.")
    victory_note: str = Field(description="What was won, for a victory. Markdown.")
    translations: list[Translation]
    signatures: SignatureFigures
    updates: list[Update] = Field(description=f"The newest {SHOWN_UPDATES}, newest first.")
    people: list[PersonLink] = Field(description="The public cases this petition fights for.")
    updates_feed: str
    log: TransparencyLog


class LogCheckpointFigures(Schema):
    size: int = Field(description="Entries in the log at this checkpoint.")
    count: int = Field(description="What the entries add up to: online and paper signatures.")
    online_count: int
    paper_count: int
    signed_at: datetime.datetime
    revoked: dict[str, int] = Field(description="Revoked signatures by reason code.")


class TransparencyLog(Schema):
    url: str = Field(description="The log (C2SP tlog-tiles): `checkpoint` and `tile/...` under this address.")
    origin: str = Field(description="The log's name in its checkpoints.")
    verifier_key: str = Field(description="The key that signs checkpoints, in C2SP signed-note vkey form.")
    checkpoint: LogCheckpointFigures | None = Field(description="The latest signed checkpoint, if any yet.")
    witnesses: list[str] = Field(description="Organisations that have cosigned a checkpoint of this log.")


class PetitionPage(Page):
    results: list[PetitionSummary]


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def petition_summary(request: HttpRequest, petition: Petition) -> dict:
    return {
        "slug": petition.slug,
        "url": _absolute(request, petition.get_absolute_url()),
        "api_url": _absolute(request, reverse("api:petition", kwargs={"slug": petition.slug})),
        "title": petition.title,
        "summary": petition.summary,
        "language": petition.language,
        "addressed_to": petition.addressed_to,
        "organiser_name": petition.organiser_name,
        "status": public_status(petition),
        "opened_at": petition.opened_at,
        "closes_at": petition.closes_at,
        "closed_at": petition.closed_at,
        "signature_count": petition.signature_count,
        "paper_signature_count": petition.paper_signature_count,
        "total_signature_count": petition.total_signature_count,
        "goal": petition.next_goal,
    }


def signature_figures(tally: Tally) -> dict:
    return {
        "counted_at": tally.made_at,
        "by_country": [
            {"country": code, "name": str(countries.name(code)), "signatures": n} for code, n in tally.countries
        ],
        "other_countries": tally.other_countries,
        "by_day": [{"day": day.day, "signatures": day.signatures, "total": day.total} for day in tally.days],
    }


@router.get("/petitions/", response={200: PetitionPage, **ERRORS}, url_name="petitions", summary="Published petitions")
def petition_list(
    request: HttpRequest,
    status: PUBLIC_STATUSES | None = None,
    q: str = Query("", max_length=500, description="Words in a title or summary, in any language."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    """Open, closed and won petitions, most signed first. Drafts never appear."""
    chosen = {
        None: Petition.objects.published(),
        "open": Petition.objects.open(),
        "closed": Petition.objects.closed_without_victory(),
        "victory": Petition.objects.victories(),
    }[status]
    petitions = Petition.objects.most_signed().filter(pk__in=chosen.search(clean_query(q)).values("pk"))
    return page_of(
        request,
        petitions,
        number=page,
        per_page=PER_PAGE,
        serialise=lambda petition: petition_summary(request, petition),
    )


@router.get("/petitions/{slug}/", response={200: PetitionDetail, **ERRORS}, url_name="petition", summary="One petition")
def petition_detail(request: HttpRequest, slug: str = Path(..., pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)):
    """A published petition with its translations, updates, the people it
    fights for and its signatures by country and by day."""
    petition = get_object_or_404(Petition.objects.published().prefetch_related("texts"), slug=slug)
    people = Case.objects.public().filter(petitions=petition).with_names().order_by("reference")
    updates = PetitionUpdate.objects.filter(petition=petition).newest()[:SHOWN_UPDATES]
    return {
        **petition_summary(request, petition),
        "story": petition.story,
        "victory_note": petition.victory_note if petition.status == Petition.Status.VICTORY else "",
        "translations": [
            {"language": text.language, "title": text.title, "summary": text.summary, "story": text.story}
            for text in petition.texts.all()
        ],
        "signatures": signature_figures(tally_for(petition)),
        "updates": [{"title": u.title, "body": u.body, "posted_at": u.posted_at} for u in updates],
        "people": [
            {
                "reference": person.reference,
                "name": person.display_name,
                "url": _absolute(request, person.get_absolute_url()),
                "api_url": _absolute(request, reverse("api:case", kwargs={"reference": person.reference})),
            }
            for person in people
        ],
        "updates_feed": _absolute(request, reverse("petitions:updates_feed", kwargs={"slug": petition.slug})),
        "log": transparency_log(petition),
    }


def transparency_log(petition: Petition) -> dict:
    checkpoint = transparency.latest_checkpoint(petition.pk)
    return {
        "url": transparency.log_url(petition.pk),
        "origin": transparency.origin(petition.pk),
        "verifier_key": transparency.signer().verifier.vkey,
        "checkpoint": None
        if checkpoint is None
        else {
            "size": checkpoint.size,
            "count": checkpoint.count,
            "online_count": checkpoint.online_count,
            "paper_count": checkpoint.paper_count,
            "signed_at": checkpoint.created_at,
            "revoked": checkpoint.figures.get("revoked", {}),
        },
        "witnesses": transparency.witness_names(petition.pk),
    }
