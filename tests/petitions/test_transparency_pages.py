"""The transparency log on the web: a signer's receipt shown once, the
verify page, the checkpoint and tiles served to tools, witnesses' cosignatures."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from core import signed_note
from core import transparency_log as tlog
from petitions import transparency
from petitions.models import Cosignature, Witness
from tests.conftest import page_text
from tests.petitions import factories as f
from tests.petitions.mailbox import confirm_link

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r'id="receipt-code"[^>]*value="([^"]+)"')


def confirm_by_mail(client, send_on_commit, petition) -> str:
    """Sign and confirm as a person would; the receipt code the page shows."""
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    send_on_commit(lambda: client.post(url, f.sign_form(petition), REMOTE_ADDR=f.another_address()))
    response = client.post(confirm_link(mail.outbox[-1]), follow=True)
    assert "Your signature is confirmed and counted" in page_text(response)
    return RECEIPT.search(response.content.decode()).group(1)


def verify(client, petition, code):
    return client.post(reverse("petitions:log_verify", kwargs={"slug": petition.slug}), {"receipt": code})


def test_a_signer_sees_a_receipt_once_and_it_is_never_mailed(client, send_on_commit, petition):
    code = confirm_by_mail(client, send_on_commit, petition)

    assert transparency.read_receipt(code)[0] == petition.pk
    assert all(code not in message.body for message in mail.outbox)
    assert code not in client.get(petition.get_absolute_url()).content.decode(), "shown once"
    f.assert_count_exact(petition)


def test_the_receipt_verifies_against_the_latest_checkpoint_with_its_proof(client, send_on_commit, petition):
    f.confirmed_signature(petition)
    code = confirm_by_mail(client, send_on_commit, petition)
    f.confirmed_signature(petition)
    early = verify(client, petition, code)
    assert early.status_code == 409, "no checkpoint yet"
    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)

    response = verify(client, petition, code)

    text = page_text(response)
    assert "Your signature is in the log, at line 1, and it is counted." in text
    proof = [bytes.fromhex(h) for h in re.findall(r"<li><code[^>]*>([0-9a-f]{64})</code>", response.content.decode())]
    _, secret = transparency.read_receipt(code)
    leaf = tlog.leaf_hash(f"add {transparency.add_hex(petition.pk, secret)}".encode())
    tlog.verify_inclusion(1, checkpoint.size, leaf, proof, bytes(checkpoint.root_hash))


def test_a_withdrawn_signatures_receipt_says_it_no_longer_counts_and_why(client, send_on_commit, petition):
    code = confirm_by_mail(client, send_on_commit, petition)
    petition.signatures.get().withdraw()
    transparency.make_checkpoint(petition_id=petition.pk)

    text = page_text(verify(client, petition, code))

    assert "but it no longer counts" in text
    assert "Withdrawn by the signer" in text


@pytest.mark.parametrize(
    ("code", "message"), [("not a receipt", "This is not a receipt"), ("", "This is not a receipt")]
)
def test_garbage_is_refused_with_a_clear_message(client, petition, code, message):
    response = verify(client, petition, code)
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_receipt_of_another_petition_is_refused(client, petition):
    other = f.open_petition(slug="another")
    response = verify(client, petition, transparency.receipt_code(other.pk, bytes(32)))
    assert response.status_code == 400
    assert "belongs to another petition" in page_text(response)


def test_an_unknown_receipt_is_not_found_without_error(client, petition):
    f.confirmed_signature(petition)
    transparency.make_checkpoint(petition_id=petition.pk)
    response = verify(client, petition, transparency.receipt_code(petition.pk, bytes(32)))
    assert response.status_code == 200
    assert "This receipt is not in the log as of its latest checkpoint" in page_text(response)


def test_the_checkpoint_and_tiles_are_served_cacheable_and_only_up_to_the_checkpoint(client, petition):
    assert client.get(f"/petition-logs/{petition.pk}/checkpoint").status_code == 404
    for _ in range(3):
        f.confirmed_signature(petition)
    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)
    f.confirmed_signature(petition)  # not yet in a checkpoint

    response = client.get(f"/petition-logs/{petition.pk}/checkpoint")
    assert response.status_code == 200
    assert response.content.decode() == checkpoint.note
    assert response["Cache-Control"].startswith("public, max-age=")
    signed_note.open_note(response.content.decode(), transparency.signer().verifier)

    tile = client.get(f"/petition-logs/{petition.pk}/tile/0/000.p/3")
    assert tile.status_code == 200
    read = tlog.tile_reader(lambda level, index, width: tile.content, 3)
    assert tlog.root(3, read) == bytes(checkpoint.root_hash)
    bundle = client.get(f"/petition-logs/{petition.pk}/tile/entries/000.p/3")
    assert len(tlog.unbundle(bundle.content)) == 3
    for beyond in ("tile/0/000.p/4", "tile/entries/000.p/4", "tile/0/000", "tile/1/000.p/1", "tile/0/x1", "nonsense"):
        assert client.get(f"/petition-logs/{petition.pk}/{beyond}").status_code == 404, beyond


def test_full_tiles_are_immutable(client, petition):
    pending = [f.pending_signature(petition) for _ in range(256)]
    petition.signatures.filter(pk__in=[s.pk for s in pending]).confirm()
    transparency.make_checkpoint(petition_id=petition.pk)
    response = client.get(f"/petition-logs/{petition.pk}/tile/0/000")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(response.content) == 256 * 32


def test_a_drafts_log_is_not_served(client):
    draft = f.draft_petition()
    assert client.get(f"/petition-logs/{draft.pk}/checkpoint").status_code == 404


def witness(name="Uyghur Human Rights Witness"):
    signer = signed_note.Signer.generate("witness.example.org/uhr", algorithm=signed_note.COSIGNATURE_V1)
    Witness.objects.create(name=name, vkey=signer.verifier.vkey, url="https://witness.example.org/")
    return signer


def cosign(client, petition, body):
    return client.generic("POST", f"/petition-logs/{petition.pk}/cosign", body, content_type="text/plain")


def test_a_witness_cosignature_is_kept_published_and_named_on_the_log_page(client, petition):
    signer = witness()
    f.confirmed_signature(petition)
    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)
    text, _ = signed_note.split(checkpoint.note)

    response = cosign(client, petition, text + "\n" + signer.cosignature_line(text, timestamp=int(time.time())))

    assert response.status_code == 200
    assert Cosignature.objects.filter(checkpoint=checkpoint).count() == 1
    served = client.get(f"/petition-logs/{petition.pk}/checkpoint").content.decode()
    assert served.startswith(checkpoint.note) and "witness.example.org/uhr" in served
    page = page_text(client.get(reverse("petitions:log", kwargs={"slug": petition.slug})))
    assert "Witnessed by: Uyghur Human Rights Witness" in page


def test_cosignatures_by_strangers_forged_or_of_unknown_checkpoints_are_refused(client, petition):
    signer = witness()
    stranger = signed_note.Signer.generate("stranger.example/w", algorithm=signed_note.COSIGNATURE_V1)
    f.confirmed_signature(petition)
    checkpoint = transparency.make_checkpoint(petition_id=petition.pk)
    text, _ = signed_note.split(checkpoint.note)
    forged = text.replace("\n1\n", "\n2\n")

    assert cosign(client, petition, "garbage").status_code == 400
    assert cosign(client, petition, text + "\n" + stranger.cosignature_line(text, timestamp=1)).status_code == 403
    assert cosign(client, petition, forged + "\n" + signer.cosignature_line(forged, timestamp=1)).status_code == 409
    line = signer.cosignature_line(text, timestamp=1)
    tampered = line[:-6] + ("A" if line[-6] != "A" else "B") + line[-5:]
    assert cosign(client, petition, text + "\n" + tampered).status_code in (400, 403)
    assert not Cosignature.objects.exists()


def test_the_log_page_explains_and_gives_the_figures(client, petition):
    f.confirmed_signature(petition).invalidate(reason="fraud")
    f.confirmed_signature(petition)
    transparency.make_checkpoint(petition_id=petition.pk)

    text = page_text(client.get(reverse("petitions:log", kwargs={"slug": petition.slug})))

    assert "The log counts 1 signature." in text
    assert "What it does not prove" in text
    assert "Invalidated by the organisers as fraud fraud 1" in text
    assert transparency.signer().verifier.vkey in text
    assert "Check this count yourself" in page_text(client.get(petition.get_absolute_url()))
