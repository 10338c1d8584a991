"""The offline verifier (scripts/verify_log.py) and the witness
(scripts/witness_log.py) against a running site: what a journalist and a
partner organisation run."""

import importlib.util
from pathlib import Path

import pytest
from django.utils import timezone

from core import signed_note
from core import transparency_log as tlog
from petitions import paper, transparency
from petitions.models import Cosignature, Witness
from tests.organisers.factories import owner_of
from tests.petitions import factories as f

ROOT = Path(__file__).resolve().parents[2]


def script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verify_log = script("verify_log")
witness_log = script("witness_log")


def busy_petition():
    petition = f.open_petition()
    kept = f.pending_signature(petition)
    secret = transparency.draw_secret()
    kept.confirm(secret=secret)
    for _ in range(5):
        f.confirmed_signature(petition)
    petition.signatures.exclude(pk=kept.pk).first().withdraw()
    petition.signatures.exclude(pk=kept.pk).filter(state="confirmed").first().invalidate(reason="spam")
    paper.paper_batch_record(by=owner_of(petition), petition=petition, count=40, gathered_on=timezone.localdate(),
                             place="Vigil", collected_by="A")  # fmt: skip
    return petition, transparency.receipt_code(petition.pk, secret)


@pytest.mark.django_db(transaction=True)
def test_the_verifier_checks_a_live_log_a_receipt_and_later_its_consistency(live_server, tmp_path, capsys):
    petition, receipt = busy_petition()
    transparency.make_checkpoint(petition_id=petition.pk)
    petition.refresh_from_db()
    url = f"{live_server.url}/petition-logs/{petition.pk}/"
    key = transparency.signer().verifier.vkey

    args = [url, "--key", key, "--receipt", receipt, "--count", str(petition.total_signature_count)]
    assert verify_log.main([*args, "--save", str(tmp_path / "then")]) == 0
    out = capsys.readouterr().out
    assert "count: 44 (4 online, 40 on paper)" in out
    assert "revoked: spam 1, withdrawn 1" in out
    assert "the receipt is entry 0, and it is counted" in out

    for _ in range(300):  # past a full tile
        f.pending_signature(petition)
    petition.signatures.filter(state="pending").confirm()
    transparency.make_checkpoint(petition_id=petition.pk)
    previous = tmp_path / "then" / "checkpoint"
    assert verify_log.main([url, "--key", key, "--previous", str(previous), "--save", str(tmp_path / "now")]) == 0
    assert "consistency: the log of 9 entries is the start of this one" in capsys.readouterr().out
    assert verify_log.main([str(tmp_path / "now"), "--key", key, "--count", "344"]) == 0, "offline, from the copy"


@pytest.mark.django_db(transaction=True)
def test_a_witness_cosigns_only_what_extends_what_it_saw(live_server, tmp_path, capsys):
    petition, _receipt = busy_petition()
    transparency.make_checkpoint(petition_id=petition.pk)
    witness = signed_note.Signer.generate("witness.example.org/w1", algorithm=signed_note.COSIGNATURE_V1)
    Witness.objects.create(name="Partner", vkey=witness.verifier.vkey)
    url = f"{live_server.url}/petition-logs/{petition.pk}/"
    log_key = transparency.signer().verifier
    state = tmp_path / "witness"

    witness_log.witness_once(log_url=url, log_key=log_key, witness=witness, state=state)
    for _ in range(270):
        f.pending_signature(petition)
    petition.signatures.filter(state="pending").confirm()
    transparency.make_checkpoint(petition_id=petition.pk)
    witness_log.witness_once(log_url=url, log_key=log_key, witness=witness, state=state)

    assert Cosignature.objects.count() == 2
    assert verify_log.main([url, "--key", log_key.vkey, "--witness", witness.verifier.vkey]) == 0
    assert "witness: witness.example.org/w1 cosigned it" in capsys.readouterr().out

    # A log that shows the witness another history is refused, and nothing is posted.
    forged = tlog.Checkpoint(origin=transparency.origin(petition.pk), size=5, root_hash=bytes(32)).text
    saved = witness_log.state_file(state, transparency.origin(petition.pk))
    saved.write_text(signed_note.sign(forged, transparency.signer()))
    with pytest.raises(witness_log.Refused):
        witness_log.witness_once(log_url=url, log_key=log_key, witness=witness, state=state)
    assert Cosignature.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_verifier_fails_on_a_tampered_copy_or_the_wrong_key(live_server, tmp_path, capsys):
    petition, _receipt = busy_petition()
    transparency.make_checkpoint(petition_id=petition.pk)
    url = f"{live_server.url}/petition-logs/{petition.pk}/"
    key = transparency.signer().verifier.vkey
    copy = tmp_path / "copy"
    assert verify_log.main([url, "--key", key, "--save", str(copy)]) == 0

    other = signed_note.Signer.generate(transparency.key_name()).verifier.vkey
    assert verify_log.main([str(copy), "--key", other]) == 1
    assert "not signed by" in capsys.readouterr().err

    bundle = copy / tlog.entries_path(0, 9)
    entries = tlog.unbundle(bundle.read_bytes())
    entries[1] = entries[1][:-1] + (b"0" if entries[1][-1:] != b"0" else b"1")
    bundle.write_bytes(tlog.bundle(entries))
    assert verify_log.main([str(copy), "--key", key]) == 1
    assert "do not hash to the root" in capsys.readouterr().err
    assert verify_log.main([url, "--key", key, "--count", "45"]) == 1
