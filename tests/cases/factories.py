"""Small helpers that make cases in a named state."""

import datetime
import itertools

from django.utils import timezone

from cases.models import Case, CaseName, Event, Source, Visibility
from cases.models import Testimony as CaseTestimony

_numbers = itertools.count(1)


def _case(*, visibility: str, name: str | None = None, spellings: tuple[str, ...] = (), **fields) -> Case:
    number = next(_numbers)
    fields.setdefault("reference", f"person-{number}")
    case = Case.objects.create(visibility=visibility, **fields)
    CaseName.objects.create(case=case, text=name or f"Person {number}", preferred=True)
    for text in spellings:
        CaseName.objects.create(case=case, text=text)
    return case


def public_case(**fields) -> Case:
    """A case already through two-person approval."""
    fields.setdefault("approved_at", timezone.now())
    return _case(visibility=Visibility.PUBLIC, **fields)


def draft_case(**fields) -> Case:
    return _case(visibility=Visibility.DRAFT, **fields)


def internal_case(**fields) -> Case:
    return _case(visibility=Visibility.INTERNAL, **fields)


def source(**fields) -> Source:
    fields.setdefault("publisher", "ChinaAid")
    fields.setdefault("title", "A report")
    return Source.objects.create(**fields)


def detention(case: Case, *, on: datetime.date, kind: str = Event.Kind.DETAINED) -> Event:
    return Event.objects.create(case=case, kind=kind, date=on, date_precision="month")


def add_testimony(case: Case, **fields) -> CaseTestimony:
    fields.setdefault("testifier_label", "his wife")
    fields.setdefault("relationship", CaseTestimony.Relationship.SPOUSE)
    fields.setdefault("summary", "She told us what happened.")
    fields.setdefault("consent", CaseTestimony.Consent.NAMED)
    return CaseTestimony.objects.create(case=case, **fields)


def shown_for_publication(case: Case) -> str:
    """The fingerprint the review page of a submitted case shows ("" if none)."""
    from cases.revisions import publication_proposal

    proposal = publication_proposal(case)
    return proposal.content_hash if proposal else ""
