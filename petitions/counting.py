"""How the public count is kept.

The count is a stored counter on the petition, moved in the same transaction
as the signature state change that causes it. Everything that reads or moves
the count goes through this module, so the strategy (a single row today;
batched or sharded counters if one hot row becomes the bottleneck) can change
without touching views or models.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
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


# Paper signatures: a second stored sum, of the petition's paper batches. It
# never mixes with the online count above, whose integrity rules are its own.


def record_paper_change(*, petition_id: int, delta: int, now) -> None:
    """Move a petition's paper total by `delta`; call inside the batch change's transaction."""
    Petition, _ = _models()
    Petition.objects.filter(pk=petition_id).update(
        paper_signature_count=F("paper_signature_count") + delta, paper_changed_at=now
    )


def _paper_sums():
    PaperBatch = apps.get_model("petitions", "PaperBatch")
    return (
        PaperBatch.objects.filter(petition=OuterRef("pk"))
        .order_by()
        .values("petition")
        .annotate(n=Sum("count"))
        .values("n")
    )


def find_paper_mismatches() -> list[Mismatch]:
    Petition, _ = _models()
    rows = (
        Petition.objects.annotate(actual=Coalesce(Subquery(_paper_sums()), Value(0)))
        .exclude(paper_signature_count=F("actual"))
        .values_list("pk", "slug", "paper_signature_count", "actual")
    )
    return [Mismatch(*row) for row in rows]


def repair_paper(*, petition_ids: list[int]) -> None:
    Petition, _ = _models()
    Petition.objects.filter(pk__in=petition_ids).update(
        paper_signature_count=Coalesce(Subquery(_paper_sums()), Value(0))
    )
