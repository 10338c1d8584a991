"""Each petition's transparency log: what every transition appends, signed
checkpoints that agree with the count, receipts that follow a signature, and
tiles that rebuild the root."""

import base64
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import signed_note
from core import transparency_log as tlog
from petitions import paper, transparency
from petitions.models import LogCheckpoint, LogEntry, LogTile, Petition, Signature
from petitions.tasks import make_log_checkpoints
from tests.organisers.factories import owner_of
from tests.petitions import factories as f

pytestmark = pytest.mark.django_db


def entries(petition):
    return list(LogEntry.objects.filter(petition=petition).order_by("index").values_list("index", "text"))


def test_a_confirmation_adds_an_entry_made_from_the_signers_secret_and_nothing_of_theirs(petition):
    signature = f.pending_signature(petition, full_name="Amina Yusuf", email="amina@example.org")
    secret = transparency.draw_secret()

    signature.confirm(secret=secret)

    [(index, text)] = entries(petition)
    assert (index, text) == (0, f"add {transparency.add_hex(petition.pk, secret)}")
    assert "amina" not in text.lower()
    f.assert_count_exact(petition)


def test_withdrawing_and_invalidating_revoke_the_add_by_index_with_a_published_reason(petition):
    kept, withdrawn, spam = (f.confirmed_signature(petition) for _ in range(3))

    withdrawn.withdraw()
    spam.invalidate(reason="spam")

    assert [text for _, text in entries(petition)][3:] == ["revoke 1 withdrawn", "revoke 2 spam"]
    assert kept.state == Signature.State.CONFIRMED
    f.assert_count_exact(petition)


def test_a_reinstated_signature_is_added_again_so_its_receipt_still_finds_it(petition):
    signature = f.pending_signature(petition)
    secret = transparency.draw_secret()
    signature.confirm(secret=secret)
    signature.invalidate(reason="fraud")
    signature.reinstate()

    texts = [text for _, text in entries(petition)]
    first = transparency.add_hex(petition.pk, secret)
    assert texts == [f"add {first}", "revoke 0 fraud", f"add {transparency.readd_hex(first)}"]
    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)
    check = transparency.check_receipt(petition_id=petition.pk, secret=secret, checkpoint=checkpoint)
    assert (check.index, check.counted) == (2, True)
    f.assert_count_exact(petition)


def test_pending_signatures_invalidated_or_withdrawn_leave_no_entry(petition):
    f.pending_signature(petition).invalidate(reason="spam")
    f.pending_signature(petition).withdraw()
    assert entries(petition) == []


def test_paper_batches_are_logged_with_their_count_and_removal(petition):
    owner = owner_of(petition)
    batch = paper.paper_batch_record(
        by=owner, petition=petition, count=80, gathered_on=timezone.localdate(), place="Almaty", collected_by="A"
    )
    paper.paper_batch_edit(by=owner, batch=batch, fields={"count": 75}, reason="Miscounted")
    paper.paper_batch_delete(by=owner, batch=batch, reason="Duplicate sheets")

    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # SHA-256 of no scan
    assert [text for _, text in entries(petition)] == [
        f"paper {batch.pk} 80 {empty}",
        f"unpaper {batch.pk}",
        f"paper {batch.pk} 75 {empty}",
        f"unpaper {batch.pk}",
    ]
    f.assert_count_exact(petition)


def test_a_checkpoint_is_signed_agrees_with_the_count_and_says_why_signatures_left(petition):
    signatures = [f.confirmed_signature(petition) for _ in range(4)]
    signatures[0].withdraw()
    signatures[1].invalidate(reason="spam")

    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)

    petition.refresh_from_db()
    assert (checkpoint.size, checkpoint.count) == (6, petition.total_signature_count) == (6, 2)
    assert checkpoint.figures["revoked"] == {"withdrawn": 1, "spam": 1}
    verifier = transparency.signer().verifier
    text, _lines = signed_note.open_note(checkpoint.note, verifier)
    parsed = tlog.Checkpoint.parse(text)
    leaves = [tlog.leaf_hash(t.encode()) for _, t in entries(petition)]
    assert parsed.root_hash == tlog.root(6, tlog.memory_reader(leaves)) == bytes(checkpoint.root_hash)
    assert parsed.origin == transparency.origin(petition.pk)
    assert transparency.make_checkpoint(petition_id=petition.pk) is None, "nothing new, nothing signed"


def test_the_job_refuses_to_sign_a_log_that_disagrees_with_the_count(petition, caplog):
    f.confirmed_signature(petition)
    transparency.make_checkpoint(petition_id=petition.pk)
    f.confirmed_signature(petition)
    Petition.objects.filter(pk=petition.pk).update(signature_count=5)  # a count moved outside the log

    assert transparency.make_checkpoints() == []
    assert "No checkpoint signed" in caplog.text
    assert LogCheckpoint.objects.filter(petition=petition).count() == 1


def test_the_first_checkpoint_logs_what_counted_before_the_log_began(petition):
    f.confirmed_signature(petition)
    LogEntry.objects.all().delete()
    Petition.objects.filter(pk=petition.pk).update(log_size=0)

    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)

    assert (checkpoint.size, checkpoint.count) == (1, 1)


def test_hash_tiles_are_stored_once_full_and_rebuild_the_same_root(petition):
    signatures = [f.pending_signature(petition) for _ in range(300)]
    Signature.objects.filter(pk__in=[s.pk for s in signatures]).confirm()
    first = transparency.make_checkpoint(petition_id=petition.pk)
    Signature.objects.filter(pk__in=[s.pk for s in signatures[:20]]).withdraw()
    second = transparency.make_checkpoint(petition_id=petition.pk)

    assert list(LogTile.objects.filter(petition=petition).values_list("level", "index")) == [(0, 0)]
    leaves = [tlog.leaf_hash(t.encode()) for _, t in entries(petition)]
    memory = tlog.memory_reader(leaves)
    assert bytes(second.root_hash) == tlog.root(320, memory)
    proof = tlog.consistency_proof(300, 320, transparency.reader(petition.pk, 320))
    tlog.verify_consistency(300, 320, proof, bytes(first.root_hash), bytes(second.root_hash))
    assert transparency.hash_tile(petition.pk, 0, 1, 64) == b"".join(leaves[256:320])
    assert tlog.unbundle(transparency.entry_bundle(petition.pk, 0, 256))[0] == entries(petition)[0][1].encode()


def test_receipt_codes_round_trip_and_garbage_is_refused():
    secret = bytes(range(32))
    code = transparency.receipt_code(17, secret)
    assert transparency.read_receipt(f"  {code[:10]} {code[10:]}\n") == (17, secret)
    for bad in ("", "17", "x-" + code[3:], code[:-1], "17-" + "!" * 43):
        with pytest.raises(transparency.BadReceipt):
            transparency.read_receipt(bad)


def test_the_command_signs_checkpoints_for_logs_that_grew(petition, capsys):
    f.confirmed_signature(petition)
    call_command("log_checkpoints")
    assert f"{transparency.origin(petition.pk)}: 1 entries, count 1" in capsys.readouterr().out
    call_command("log_checkpoints")
    assert "No log grew." in capsys.readouterr().out


def test_a_configured_signing_key_signs_and_its_vkey_verifies(petition, settings):
    signer = signed_note.Signer.generate("plea.example.org/petition-logs")
    settings.PLEA_LOG_SIGNING_KEY = signer.skey
    f.confirmed_signature(petition)
    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)
    signed_note.open_note(checkpoint.note, signed_note.Verifier.from_vkey(signer.verifier.vkey))
    assert base64.b64decode(checkpoint.note.split("\n")[2]) == bytes(checkpoint.root_hash)


def test_recount_repairs_the_count_and_brings_the_log_in_line(petition):
    signature = f.confirmed_signature(petition)
    Signature.objects.filter(pk=signature.pk).update(state=Signature.State.INVALIDATED)  # outside any transition
    call_command("recount")
    f.assert_count_exact(petition)
    assert entries(petition)[-1][1] == "revoke 0 correction"


def test_closing_with_a_grace_period_still_logs_a_late_confirmation(petition):
    signature = f.pending_signature(petition)
    petition.close(now=timezone.now() - datetime.timedelta(hours=1))
    signature.confirm()
    f.assert_count_exact(petition)


def test_the_checkpoint_task_makes_one_pass_of_the_job(petition):
    f.confirmed_signature(petition)
    make_log_checkpoints.enqueue()
    assert LogCheckpoint.objects.get(petition=petition).count == 1
