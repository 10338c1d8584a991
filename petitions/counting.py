"""How the public count is kept.

The count is a stored counter on the petition, moved in the same transaction
as the signature state change that causes it. Everything that reads or moves
the count goes through this module, so the strategy (a single row today;
batched or sharded counters if one hot row becomes the bottleneck) can change
without touching views or models.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from petitions import transparency


def _models():
    return apps.get_model("petitions", "Petition"), apps.get_model("petitions", "Signature")


def record_change(*, petition_id: int, delta: int) -> None:
    """Move a petition's count by `delta`; call inside the transition's transaction."""
    Petition, _ = _models()
    Petition.objects.filter(pk=petition_id).update(signature_count=F("signature_count") + delta)


def confirm_one(*, signature_id: int, now: datetime.datetime, secret: bytes | None = None) -> str | None:
    """Confirm one pending signature and count it, in one round trip: the
    hot path of every signature (SignatureQuerySet.confirm is the same
    transition for many rows). Returns its petition's slug, or None if it
    did not apply (not pending, gone, or the petition's count is final), in
    which case nothing changed and the caller finds out why.

    The signature row is updated (and locked) before the petition's, the
    order every transition takes (SignatureQuerySet._move), and its state is
    tested under that lock, so a racing confirmation or withdrawal sees one
    winner. On PostgreSQL one statement (the update feeding the count through
    a CTE); SQLite cannot update in a CTE, so there it is two. The log's
    `add`, made from `secret` (the signer's receipt), joins them in the same
    transaction.
    """
    Petition, Signature = _models()
    connection = connections[Signature.objects.db]
    moment = connection.ops.adapt_datetimefield_value  # as the ORM would store and compare it
    ended_by = moment(now - Petition.confirm_grace())
    state = [Signature.State.CONFIRMED, moment(now), signature_id, Signature.State.PENDING,
             *Petition.PUBLISHED_STATES, ended_by, ended_by]  # fmt: skip
    # PetitionQuerySet.count_moves, written out: compiling it through the ORM
    # on every confirmation cost more than the rest of this function
    # (tests/petitions/test_counting_sql.py holds the two to the same answers).
    published = ", ".join(["%s"] * len(Petition.PUBLISHED_STATES))
    # The address goes at confirmation unless the signer asked for updates
    # (Signature.email): no mail but updates needs it after this.
    confirm = f"""UPDATE petitions_signature SET state = %s, confirmed_at = %s,
                  email = CASE WHEN wants_updates THEN email ELSE '' END
                  WHERE id = %s AND state = %s AND petition_id IN (
                      SELECT id FROM petitions_petition WHERE status IN ({published})
                      AND NOT (coalesce(closed_at <= %s, false) OR coalesce(closes_at <= %s, false)))
                  RETURNING petition_id"""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""WITH moved AS ({confirm})
                    UPDATE petitions_petition SET signature_count = signature_count + 1
                    FROM moved WHERE petitions_petition.id = moved.petition_id
                    RETURNING petitions_petition.id, petitions_petition.slug""",
                state,
            )
            row = cursor.fetchone()
        else:
            cursor.execute(confirm, state)
            moved = cursor.fetchone()
            if moved is None:
                return None
            cursor.execute(
                "UPDATE petitions_petition SET signature_count = signature_count + 1 WHERE id = %s RETURNING id, slug",
                [moved[0]],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        transparency.record_signed(
            petition_id=row[0], signature_id=signature_id, secret=secret or transparency.draw_secret()
        )
        return row[1]


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
