"""counting.confirm_one writes PetitionQuerySet.count_moves out in SQL (the
hot path of every signature): the two must agree on every kind of petition,
at every moment around its closing and its confirmation grace."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions import counting
from petitions.models import Petition, Signature
from tests.petitions.factories import assert_count_exact, draft_petition, open_petition, pending_signature

NOW = timezone.now()
GRACE = Petition.confirm_grace()


def petitions() -> list[Petition]:
    made = [draft_petition(), open_petition(), open_petition(closes_at=NOW + timedelta(days=3))]
    for ended in (timedelta(hours=1), GRACE - timedelta(seconds=1), GRACE, GRACE + timedelta(hours=1)):
        made.append(open_petition(closes_at=NOW - ended))  # past its closing date, never closed by hand
        closed = open_petition()
        closed.close(now=NOW - ended)
        made.append(closed)
        won = open_petition()
        won.close(now=NOW - ended)
        Petition.objects.filter(pk=won.pk).update(status=Petition.Status.VICTORY)
        made.append(won)
    return made


@pytest.mark.django_db
def test_confirm_one_counts_exactly_where_count_moves_says_the_count_may_move():
    made = petitions()
    moves = set(Petition.objects.count_moves(now=NOW).values_list("pk", flat=True))
    assert moves and moves != {p.pk for p in made}  # the table has both kinds

    for petition in made:
        signature = pending_signature(petition)
        slug = counting.confirm_one(signature_id=signature.pk, now=NOW)
        signature.refresh_from_db()

        if petition.pk in moves:
            assert slug == petition.slug
            assert signature.state == Signature.State.CONFIRMED
            assert signature.confirmed_at == NOW
        else:
            assert slug is None
            assert signature.state == Signature.State.PENDING
        assert_count_exact(Petition.objects.get(pk=petition.pk))


@pytest.mark.django_db
def test_confirm_one_changes_nothing_a_second_time_or_for_a_missing_signature():
    petition = open_petition()
    signature = pending_signature(petition)

    assert counting.confirm_one(signature_id=signature.pk, now=NOW) == petition.slug
    assert counting.confirm_one(signature_id=signature.pk, now=NOW) is None
    assert counting.confirm_one(signature_id=signature.pk + 1000, now=NOW) is None
    assert Petition.objects.get(pk=petition.pk).signature_count == 1
