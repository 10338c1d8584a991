"""Signature transitions: one queryset method per transition, for one row or
many, returning what changed, keeping each petition's count exact and
clearing its cached page; and the phases of a petition's count."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petitions import page_cache
from petitions.models import CountIsFinal, Moved, Petition, Phase, Signature
from petitions.tokens import Purpose, make_token
from tests.conftest import page_text
from tests.petitions import factories as f

pytestmark = pytest.mark.django_db

State = Signature.State


def spam(rows, **kwargs):
    return rows.invalidate(reason="spam", **kwargs)


# (factory, transition, state after, hidden after, count after)
TRANSITIONS = [
    (f.pending_signature, lambda rows: rows.confirm(), State.CONFIRMED, False, 1),
    (f.confirmed_signature, lambda rows: rows.withdraw(), State.WITHDRAWN, False, 0),
    (f.pending_signature, lambda rows: rows.withdraw(), State.WITHDRAWN, False, 0),
    (f.invalidated_signature, lambda rows: rows.withdraw(), State.WITHDRAWN, False, 0),
    (f.confirmed_signature, lambda rows: rows.hide(), State.CONFIRMED, True, 1),
    (f.hidden_signature, lambda rows: rows.unhide(), State.CONFIRMED, False, 1),
    (f.confirmed_signature, lambda rows: rows.approve(), State.CONFIRMED, False, 1),
    (f.confirmed_signature, spam, State.INVALIDATED, False, 0),
    (f.pending_signature, spam, State.INVALIDATED, False, 0),
    (f.invalidated_signature, lambda rows: rows.reinstate(), State.CONFIRMED, False, 1),
]


@pytest.mark.parametrize(("make", "transition", "state", "hidden", "count"), TRANSITIONS)
def test_each_transition_moves_one_row_and_the_count(petition, make, transition, state, hidden, count):
    signature = make(petition)
    before = Petition.objects.get(pk=petition.pk).signature_count

    moved = transition(Signature.objects.filter(pk=signature.pk))

    signature.refresh_from_db()
    petition.refresh_from_db()
    assert (signature.state, signature.hidden, petition.signature_count) == (state, hidden, count)
    assert moved == Moved(changed=1, count_delta=count - before)
    f.assert_count_exact(petition)


# (factory, transition) pairs that do not apply: nothing changes.
REFUSED = [
    (f.confirmed_signature, lambda rows: rows.confirm()),
    (f.withdrawn_signature, lambda rows: rows.withdraw()),
    (f.hidden_signature, lambda rows: rows.hide()),
    (f.confirmed_signature, lambda rows: rows.unhide()),
    (f.withdrawn_signature, lambda rows: rows.approve()),
    (f.invalidated_signature, spam),
    (f.withdrawn_signature, spam),
    (f.confirmed_signature, lambda rows: rows.reinstate()),
]


@pytest.mark.parametrize(("make", "transition"), REFUSED)
def test_a_transition_from_the_wrong_state_changes_nothing(petition, make, transition):
    signature = make(petition)
    before = Signature.objects.values().get(pk=signature.pk)

    assert transition(Signature.objects.filter(pk=signature.pk)) == Moved()
    assert Signature.objects.values().get(pk=signature.pk) == before
    f.assert_count_exact(petition)


def test_many_rows_on_several_petitions_move_each_count_by_its_own_share():
    first, second = f.open_petition(), f.open_petition()
    for _ in range(3):
        f.confirmed_signature(first)
    f.pending_signature(first)
    f.confirmed_signature(second)
    f.invalidated_signature(second)

    moved = spam(Signature.objects.filter(petition__in=[first, second]))

    assert moved == Moved(changed=5, count_delta=-4)
    for petition in (first, second):
        petition.refresh_from_db()
        assert petition.signature_count == 0
        f.assert_count_exact(petition)
    assert Signature.objects.reinstate() == Moved(changed=6, count_delta=5)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.signature_count, second.signature_count) == (3, 2)


def test_a_dry_run_says_what_would_change_and_changes_nothing(petition):
    f.confirmed_signature(petition)
    f.pending_signature(petition)
    f.withdrawn_signature(petition)
    before = list(Signature.objects.values().order_by("pk"))

    assert spam(Signature.objects.all(), dry_run=True) == Moved(changed=2, count_delta=-1)
    assert Signature.objects.withdraw(dry_run=True) == Moved(changed=2, count_delta=-1)
    assert list(Signature.objects.values().order_by("pk")) == before


def test_withdrawal_erases_every_personal_field(petition):
    signature = f.confirmed_signature(petition, show_publicly=True, reason="Free them", wants_updates=True)

    Signature.objects.filter(pk=signature.pk).withdraw()

    row = Signature.objects.values(*Signature.PERSONAL_FIELDS).get(pk=signature.pk)
    assert row == Signature.PERSONAL_FIELDS


@pytest.mark.parametrize(
    ("make", "transition"),
    [
        (f.public_signature, lambda rows: rows.hide()),
        (f.hidden_signature, lambda rows: rows.unhide()),
        (f.public_signature, spam),
        (f.public_signature, lambda rows: rows.withdraw()),
    ],
)
def test_a_transition_that_changes_the_public_list_clears_the_cached_page(petition, make, transition):
    signature = make(petition, full_name="Listed Signer")
    Client().get(petition.get_absolute_url())  # a stranger's visit caches the page
    assert page_cache.get(slug=petition.slug) is not None

    transition(Signature.objects.filter(pk=signature.pk))

    assert page_cache.get(slug=petition.slug) is None


def test_reinstating_clears_the_cached_page_so_the_signer_shows_again(petition):
    signature = f.public_signature(petition, full_name="Back Again")
    signature.invalidate(reason="spam")
    assert "Back Again" not in page_text(Client().get(petition.get_absolute_url()))

    signature.reinstate()  # the model method: it calls the queryset's transition

    assert "Back Again" in page_text(Client().get(petition.get_absolute_url()))


# --- The phases of a petition's count ------------------------------------------


def ago(**delta):
    return timezone.now() - timedelta(**delta)


@pytest.mark.parametrize(
    ("fields", "phase"),
    [
        ({"status": Petition.Status.DRAFT}, Phase.DRAFT),
        ({"status": Petition.Status.OPEN}, Phase.SIGNING),
        ({"status": Petition.Status.OPEN, "closes_at": ago(hours=-1)}, Phase.SIGNING),
        ({"status": Petition.Status.OPEN, "closes_at": ago(hours=1)}, Phase.CONFIRMING),
        ({"status": Petition.Status.OPEN, "closes_at": ago(hours=25)}, Phase.FINAL),
        ({"status": Petition.Status.CLOSED, "closed_at": ago(hours=23)}, Phase.CONFIRMING),
        ({"status": Petition.Status.CLOSED, "closed_at": ago(hours=25)}, Phase.FINAL),
        # Closed by hand long after its closing date: signing ended at the date.
        ({"status": Petition.Status.CLOSED, "closes_at": ago(days=3), "closed_at": ago(hours=1)}, Phase.FINAL),
        ({"status": Petition.Status.VICTORY, "closed_at": ago(hours=2)}, Phase.CONFIRMING),
        ({"status": Petition.Status.VICTORY, "closed_at": ago(days=2)}, Phase.FINAL),
    ],
)
def test_phases_and_the_queryset_agree(fields, phase):
    petition = f.open_petition()
    Petition.objects.filter(pk=petition.pk).update(**fields)
    petition.refresh_from_db()

    assert petition.phase() is phase
    moves = Petition.objects.count_moves().filter(pk=petition.pk).exists()
    assert moves == (phase in (Phase.SIGNING, Phase.CONFIRMING))


def test_open_but_past_its_closing_date_is_one_named_state():
    running = f.open_petition(closes_at=ago(hours=-1))
    lapsed = f.open_petition()
    Petition.objects.filter(pk=lapsed.pk).update(closes_at=ago(minutes=1))
    lapsed.refresh_from_db()

    assert list(Petition.objects.past_closing_date()) == [lapsed]
    assert (running.is_past_closing_date(), lapsed.is_past_closing_date()) == (False, True)
    assert list(Petition.objects.open().filter(pk__in=[running.pk, lapsed.pk])) == [running]


def confirm_link(signature: Signature) -> str:
    token = make_token(signature_id=signature.pk, purpose=Purpose.CONFIRM)
    return reverse("petitions:confirm", kwargs={"token": token})


@pytest.fixture
def closed_a_day_ago():
    petition = f.open_petition()
    signature = f.pending_signature(petition)
    petition.close(now=ago(hours=25))
    return petition, signature


def test_after_the_grace_period_a_confirmation_changes_nothing(closed_a_day_ago):
    petition, signature = closed_a_day_ago

    with pytest.raises(CountIsFinal):
        signature.confirm()

    assert Signature.objects.get(pk=signature.pk).state == State.PENDING
    assert Petition.objects.get(pk=petition.pk).signature_count == 0


def test_after_the_grace_period_reinstating_is_refused(petition):
    signature = f.invalidated_signature(petition)
    petition.close(now=ago(hours=25))

    with pytest.raises(CountIsFinal):
        signature.reinstate()
    assert Signature.objects.filter(pk=signature.pk).reinstate() == Moved()
    f.assert_count_exact(petition)


def test_within_the_grace_period_a_late_confirmation_counts(client, petition):
    signature = f.pending_signature(petition)
    petition.close(now=ago(hours=23))
    link = reverse(
        "petitions:confirm", kwargs={"token": make_token(signature_id=signature.pk, purpose=Purpose.CONFIRM)}
    )

    response = client.post(link, follow=True)

    assert "Your signature is confirmed and counted" in page_text(response)
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_after_the_grace_period_the_confirm_link_says_so_politely(client, closed_a_day_ago):
    petition, signature = closed_a_day_ago
    link = reverse(
        "petitions:confirm", kwargs={"token": make_token(signature_id=signature.pk, purpose=Purpose.CONFIRM)}
    )

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "its count is final" in page_text(response)
        assert "Confirm my signature" not in page_text(response)
    assert Signature.objects.get(pk=signature.pk).state == State.PENDING
    assert Petition.objects.get(pk=petition.pk).signature_count == 0


def test_after_the_grace_period_a_resend_sends_nothing(client, send_on_commit, closed_a_day_ago):
    _petition, signature = closed_a_day_ago
    Signature.objects.filter(pk=signature.pk).update(last_mailed_at=None)
    token = make_token(signature_id=signature.pk, purpose=Purpose.CONFIRM)

    response = send_on_commit(lambda: client.post(reverse("petitions:resend", kwargs={"token": token}), follow=True))

    assert "nothing left to confirm" in page_text(response)
    assert mail.outbox == []


def test_the_organiser_page_names_the_phase(client):
    from tests.organisers.factories import owner_of

    petition = f.open_petition()
    client.force_login(owner_of(petition))
    page = lambda: page_text(client.get(reverse("organisers:petition", kwargs={"slug": petition.slug})))  # noqa: E731

    assert "Taking signatures" in page()
    petition.close(now=ago(hours=2))
    assert "Closed: late confirmations still count" in page()
    assert "can be confirmed until" in page()
    Petition.objects.filter(pk=petition.pk).update(closed_at=ago(days=2))
    assert "Closed: the count is final" in page()
