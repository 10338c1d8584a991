"""Paper batches: the paper total moves with every batch change, in the same
transaction, apart from the online count; refusals store nothing."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AuditEntry
from petitions import audit_actions, paper
from petitions.models import PaperBatch, Petition
from tests.conftest import page_text
from tests.organisers.factories import owner_of
from tests.petitions.factories import closed_petition, confirmed_signature, draft_petition, open_petition

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def record(petition, *, count=80, gathered_on=None, **extra):
    return paper.paper_batch_record(
        by=owner_of(petition),
        petition=petition,
        count=count,
        gathered_on=gathered_on or timezone.localdate(),
        place="Mosque in Almaty",
        collected_by="Aigerim",
        **extra,
    )


def test_a_batch_moves_the_paper_total_and_not_the_online_count():
    petition = open_petition()
    confirmed_signature(petition)
    batch = record(petition, count=80)

    petition.refresh_from_db()
    assert (petition.signature_count, petition.paper_signature_count, petition.total_signature_count) == (1, 80, 81)
    assert petition.paper_changed_at is not None
    entry = AuditEntry.objects.get(action=audit_actions.PAPER_RECORD)
    assert entry.target_id == str(batch.pk) and entry.details["count"] == 80


def test_the_public_page_shows_online_paper_and_total_and_the_ladder_climbs_on_the_total(client):
    petition = open_petition()
    confirmed_signature(petition)
    confirmed_signature(petition)
    record(petition, count=150)

    text = page_text(client.get(petition.get_absolute_url()))

    assert "152 have signed. Let's get to 200!" in text
    assert "2 have signed online · 150 on paper · 152 in all" in text
    assert "The count of signatures on paper last changed on" in text


def test_without_paper_the_page_shows_only_the_online_count(client, petition):
    confirmed_signature(petition)
    text = page_text(client.get(petition.get_absolute_url()))
    assert "1 has signed. Let's get to 100!" in text
    assert "on paper" not in text


def _yesterday_opened() -> Petition:
    petition = open_petition()
    Petition.objects.filter(pk=petition.pk).update(opened_at=timezone.now() - datetime.timedelta(days=10))
    petition.refresh_from_db()
    return petition


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": 0}, "between 1 and 10,000,000"),
        ({"count": -5}, "between 1 and 10,000,000"),
        ({"count": 10_000_001}, "between 1 and 10,000,000"),
        ({"gathered_on": TODAY + datetime.timedelta(days=2)}, "cannot be in the future"),
        ({"gathered_on": TODAY - datetime.timedelta(days=30)}, "before the petition opened"),
    ],
)
def test_bad_batches_are_refused_and_nothing_is_stored(changes, message):
    petition = _yesterday_opened()
    with pytest.raises(paper.RecordRefused, match=message):
        record(petition, **changes)
    petition.refresh_from_db()
    assert PaperBatch.objects.count() == 0
    assert petition.paper_signature_count == 0
    assert not AuditEntry.objects.filter(action=audit_actions.PAPER_RECORD).exists()


def test_a_draft_takes_no_paper_signatures():
    with pytest.raises(paper.RecordRefused, match="Open the petition first"):
        record(draft_petition())
    assert PaperBatch.objects.count() == 0


def test_a_closed_petition_takes_only_batches_gathered_before_it_closed():
    petition = _yesterday_opened()
    petition.close(now=timezone.now() - datetime.timedelta(days=3))

    with pytest.raises(paper.RecordRefused, match="only signatures gathered by then"):
        record(petition, gathered_on=TODAY - datetime.timedelta(days=1))
    record(petition, gathered_on=TODAY - datetime.timedelta(days=5), count=7)

    petition.refresh_from_db()
    assert petition.paper_signature_count == 7


def test_editing_a_batch_moves_the_total_by_the_difference_and_audits_before_and_after():
    petition = open_petition()
    batch = record(petition, count=80)
    owner = petition.organisers.first()

    changed = paper.paper_batch_edit(
        by=owner, batch=batch, fields={"count": 95, "place": "Vigil in Istanbul"}, reason="Miscounted a sheet"
    )

    petition.refresh_from_db()
    assert sorted(changed) == ["count", "place"]
    assert petition.paper_signature_count == 95
    entry = AuditEntry.objects.get(action=audit_actions.PAPER_EDIT)
    assert entry.reason == "Miscounted a sheet"
    assert (entry.details["before"]["count"], entry.details["after"]["count"]) == (80, 95)
    assert entry.details["before"]["place"] == "Mosque in Almaty"


def test_an_edit_needs_a_reason_and_a_refused_edit_changes_nothing():
    petition = open_petition()
    batch = record(petition, count=80)
    owner = petition.organisers.first()

    with pytest.raises(paper.RecordRefused, match="Say why"):
        paper.paper_batch_edit(by=owner, batch=batch, fields={"count": 90}, reason=" ")
    with pytest.raises(paper.RecordRefused, match="between 1 and"):
        paper.paper_batch_edit(by=owner, batch=batch, fields={"count": 0}, reason="typo")

    batch.refresh_from_db()
    petition.refresh_from_db()
    assert (batch.count, petition.paper_signature_count) == (80, 80)


def test_deleting_a_batch_lowers_the_total_and_keeps_its_values_in_the_audit_log():
    petition = open_petition()
    keep = record(petition, count=10)
    gone = record(petition, count=80)
    owner = petition.organisers.first()

    paper.paper_batch_delete(by=owner, batch=gone, reason="Counted twice")

    petition.refresh_from_db()
    assert petition.paper_signature_count == 10
    assert list(PaperBatch.objects.values_list("pk", flat=True)) == [keep.pk]
    entry = AuditEntry.objects.get(action=audit_actions.PAPER_DELETE)
    assert (entry.reason, entry.details["before"]["count"]) == ("Counted twice", 80)


def test_recount_checks_and_repairs_the_paper_total(capsys):
    petition = open_petition()
    record(petition, count=30)
    record(petition, count=12)
    other = open_petition()
    Petition.objects.filter(pk=petition.pk).update(paper_signature_count=99)
    Petition.objects.filter(pk=other.pk).update(paper_signature_count=4)

    with pytest.raises(CommandError):
        call_command("recount", "--check")
    call_command("recount")

    petition.refresh_from_db()
    other.refresh_from_db()
    assert (petition.paper_signature_count, other.paper_signature_count) == (42, 0)
    assert f"{petition.slug}: paper total 99, sum of paper batches 42" in capsys.readouterr().out
    call_command("recount", "--check")


def test_a_closed_petitions_page_counts_paper_in_the_final_figure(client):
    petition = closed_petition()
    Petition.objects.filter(pk=petition.pk).update(paper_signature_count=5)
    assert "5 people signed this petition." in page_text(client.get(petition.get_absolute_url()))
