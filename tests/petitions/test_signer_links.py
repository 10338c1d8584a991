"""Links in signers' mail name their signature by an encrypted token: no mail
tells the row number, so none tells how many people signed before."""

import base64
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from petitions.models import Signature
from petitions.tokens import LinkInvalid, Purpose, make_token, read_token
from tests.petitions.factories import another_address, open_petition, sign_form
from tests.petitions.mailbox import confirm_link, links_in, withdraw_link

pytestmark = pytest.mark.django_db


def sign(client, send_on_commit, petition, email: str, **changes):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    data = {**sign_form(petition, email=email), **changes}
    return send_on_commit(lambda: client.post(url, data, REMOTE_ADDR=another_address()))


def readable_parts(token: str) -> str:
    """Each part of a token that decodes to printable text: where a
    signed id shows (Django's signed values are `base64(id):time:signature`)."""
    text = ""
    for piece in re.split(r"[:.]", token):
        padded = piece + "=" * (-len(piece) % 4)
        try:
            decoded = base64.urlsafe_b64decode(padded).decode("ascii")
        except ValueError:
            continue
        if decoded.isprintable():
            text += " " + decoded
    return text


def test_no_link_in_a_signers_mail_carries_the_signature_number(client, send_on_commit):
    petition = open_petition()
    for n in range(3):
        sign(client, send_on_commit, petition, f"signer{n}@example.org", wants_updates="on")
        client.post(confirm_link(mail.outbox[-1]))
    ids = list(Signature.objects.values_list("pk", flat=True))
    links = [link for message in mail.outbox for link in links_in(message) if "/signatures/" in link]

    assert len(links) >= 6
    for link in links:
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert ":" not in token, "a signed value, whose first part is the id in base64"
        decoded = readable_parts(token)
        assert not any(re.search(rf"(?<!\d){pk}(?!\d)", decoded) for pk in ids), (link, decoded)
    # The same signature's link differs each time it is made: nothing to line up.
    assert make_token(signature_id=ids[0], purpose=Purpose.CONFIRM) != make_token(
        signature_id=ids[0], purpose=Purpose.CONFIRM
    )


def test_an_unsubscribe_link_names_no_number_either(client, send_on_commit):
    petition = open_petition()
    token = make_token(signature_id=12345, purpose=Purpose.UNSUBSCRIBE)
    assert "12345" not in readable_parts(token)
    assert read_token(token, purpose=Purpose.UNSUBSCRIBE) == 12345
    with pytest.raises(LinkInvalid):
        read_token(token, purpose=Purpose.WITHDRAW)
    assert petition  # a token is bound to its purpose, not to a page


def test_a_withdraw_link_mailed_in_the_older_form_still_withdraws(client, send_on_commit):
    petition = open_petition()
    sign(client, send_on_commit, petition, "older@example.org")
    client.post(confirm_link(mail.outbox[-1]))
    signature = Signature.objects.get()
    older = signing.dumps(signature.pk, salt="plea.signature.withdraw", compress=False)

    response = client.post(reverse("petitions:withdraw", kwargs={"token": older}))

    assert response.status_code == 302
    assert Signature.objects.get().state == Signature.State.WITHDRAWN
    assert withdraw_link(mail.outbox[0])
