"""How the public count is kept.

The count is a stored counter on the petition, moved in the same transaction
as the signature state change that causes it. Everything that reads or moves
the count goes through this module, so the strategy (a single row today;
batched or sharded counters if one hot row becomes the bottleneck) can change
without touching views or models.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def _models():
    return apps.get_model("petitions", "Petition"), apps.get_model("petitions", "Signature")


def record_change(*, petition_id: int, delta: int) -> None:
    """Move a petition's count by `delta`; call inside the transition's transaction."""
    Petition, _ = _models()
    Petition.objects.filter(pk=petition_id).update(signature_count=F("signature_count") + delta)


@dataclass(frozen=True)
class Mismatch:
    petition_id: int
    slug: str
    stored: int
    actual: int


def find_mismatches() -> list[Mismatch]:
    Petition, Signature = _models()
    counted = Signature.State.CONFIRMED
    rows = (
        Petition.objects.annotate(actual=Count("signatures", filter=Q(signatures__state=counted)))
        .exclude(signature_count=F("actual"))
        .values_list("pk", "slug", "signature_count", "actual")
    )
    return [Mismatch(*row) for row in rows]


def repair(*, petition_ids: list[int]) -> None:
    """Set each count from the signatures in one statement, so a confirmation
    racing the repair is either counted by it or adds itself afterwards."""
    Petition, Signature = _models()
    actual = (
        Signature.objects.filter(petition=OuterRef("pk"))
        .counted()
        .order_by()
        .values("petition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Petition.objects.filter(pk__in=petition_ids).update(signature_count=Coalesce(Subquery(actual), Value(0)))
