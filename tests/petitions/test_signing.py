from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from petitions.email_keys import email_hash
from petitions.models import Signature
from tests.conftest import page_text
from tests.petitions.factories import (
    another_address,
    closed_petition,
    confirmed_signature,
    pending_signature,
    sign_form,
)
from tests.petitions.mailbox import confirm_link, links_in, withdraw_link

pytestmark = pytest.mark.django_db


def form(petition) -> dict:
    return sign_form(petition, reason="My cousin is held in Hotan.", show_publicly="on")


def sign(client, send_on_commit, petition, **changes):
    data = {**form(petition), **changes}
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    return send_on_commit(lambda: client.post(url, data, REMOTE_ADDR=another_address()))


def count_of(petition) -> int:
    petition.refresh_from_db()
    return petition.signature_count


def test_signing_asks_to_check_email_and_sends_a_confirmation_link(client, send_on_commit, petition):
    response = sign(client, send_on_commit, petition)

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Check your email" in page_text(page)
    signature = Signature.objects.get(petition=petition)
    assert signature.state == Signature.State.PENDING
    assert (signature.full_name, signature.email, signature.country.code) == ("Amina Yusuf", "amina@example.org", "PK")
    assert count_of(petition) == 0
    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert petition.title in message.subject
    assert "/confirm/" in confirm_link(message)
    assert "/withdraw/" in withdraw_link(message)


def test_the_emailed_link_confirms_and_the_count_rises_by_exactly_one(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    link = confirm_link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my signature" in page_text(page)
    assert count_of(petition) == 0, "opening the link (as a mail scanner does) must not confirm"

    response = client.post(link, follow=True)
    assert "Your signature is confirmed and counted" in page_text(response)
    assert "1 has signed. Let's get to 100!" in page_text(response)
    assert count_of(petition) == 1

    again = client.post(link, follow=True)
    assert "already confirmed" in page_text(again)
    assert count_of(petition) == 1


def test_a_confirmed_public_signer_appears_in_the_recent_signers(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    client.post(confirm_link(mail.outbox[0]))

    text = page_text(client.get(petition.get_absolute_url()))
    assert "Amina Yusuf" in text
    assert "Pakistan" in text
    assert "My cousin is held in Hotan." in text
    assert "amina@example.org" not in client.get(petition.get_absolute_url()).content.decode()


def test_a_signer_who_keeps_their_name_private_shows_as_anonymous(client, send_on_commit, petition):
    data = {key: value for key, value in form(petition).items() if key != "show_publicly"}
    send_on_commit(lambda: client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), data))
    client.post(confirm_link(mail.outbox[0]))

    text = page_text(client.get(petition.get_absolute_url()))
    assert "Anonymous" in text
    assert "Amina Yusuf" not in text
    assert "My cousin is held in Hotan." not in text


def test_withdrawing_removes_the_signature_its_data_and_one_from_the_count(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    message = mail.outbox[0]
    client.post(confirm_link(message))
    assert count_of(petition) == 1

    assert "Withdraw my signature" in page_text(client.get(withdraw_link(message)))
    response = client.post(withdraw_link(message), follow=True)

    assert "withdrawn" in page_text(response)
    assert count_of(petition) == 0
    signature = Signature.objects.get(petition=petition)
    assert signature.state == Signature.State.WITHDRAWN
    assert (signature.full_name, signature.email, signature.email_key, signature.reason, signature.ip_hash) == (
        "",
        "",
        None,
        "",
        "",
    )
    assert "Amina Yusuf" not in page_text(client.get(petition.get_absolute_url()))


def test_a_pending_signature_can_be_withdrawn_without_touching_the_count(client, send_on_commit, petition):
    confirmed_signature(petition)
    sign(client, send_on_commit, petition)
    client.post(withdraw_link(mail.outbox[0]))

    assert count_of(petition) == 1
    assert Signature.objects.get(petition=petition, state=Signature.State.WITHDRAWN).email == ""


def test_links_of_a_withdrawn_signature_say_so(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    message = mail.outbox[0]
    client.post(withdraw_link(message))

    for link in (confirm_link(message), withdraw_link(message)):
        response = client.post(link)
        assert response.status_code == 410
        assert "This signature was withdrawn" in page_text(response)
    assert count_of(petition) == 0


def test_after_withdrawing_the_same_person_can_sign_again(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    client.post(withdraw_link(mail.outbox[0]))
    sign(client, send_on_commit, petition)
    client.post(confirm_link(mail.outbox[-1]))

    assert count_of(petition) == 1
    assert Signature.objects.filter(petition=petition).count() == 2


@pytest.mark.parametrize(
    "variant",
    ["amina@example.org", "AMINA@Example.org", "  amina@example.org  ", "amina+plea@example.org"],
)
def test_signing_again_with_the_same_address_makes_no_second_signature(client, send_on_commit, petition, variant):
    sign(client, send_on_commit, petition)
    client.post(confirm_link(mail.outbox[0]))
    mail.outbox.clear()
    Signature.objects.update(last_mailed_at=timezone.now() - timedelta(hours=1))

    response = sign(client, send_on_commit, petition, email=variant, full_name="Someone Else")

    assert response.status_code == 302
    assert "Check your email" in page_text(client.get(response["Location"]))
    assert Signature.objects.filter(petition=petition).count() == 1
    assert count_of(petition) == 1
    [message] = mail.outbox
    assert "already signed" in message.subject
    assert "/withdraw/" in withdraw_link(message)


def test_gmail_dots_and_tags_are_the_same_person(client, send_on_commit, petition):
    sign(client, send_on_commit, petition, email="amina.yusuf@gmail.com")
    sign(client, send_on_commit, petition, email="AminaYusuf+petition@googlemail.com")

    assert Signature.objects.filter(petition=petition).count() == 1


def test_signing_again_while_pending_resends_the_confirmation_but_rate_limited(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    assert len(mail.outbox) == 1

    sign(client, send_on_commit, petition)  # straight away: no second mail
    assert len(mail.outbox) == 1

    Signature.objects.update(last_mailed_at=timezone.now() - timedelta(minutes=11))
    sign(client, send_on_commit, petition)
    assert len(mail.outbox) == 2
    assert "Confirm your signature" in mail.outbox[1].subject
    assert Signature.objects.count() == 1

    client.post(confirm_link(mail.outbox[1]))
    assert count_of(petition) == 1


def test_an_expired_confirmation_link_offers_a_new_one(client, send_on_commit, petition, settings):
    sign(client, send_on_commit, petition)
    link = confirm_link(mail.outbox[0])
    settings.PLEA_CONFIRMATION_MAX_AGE = -1

    response = client.post(link)
    assert response.status_code == 410
    assert "This link has expired" in page_text(response)
    assert count_of(petition) == 0

    Signature.objects.update(last_mailed_at=timezone.now() - timedelta(hours=1))
    resend = send_on_commit(lambda: client.post(link.rstrip("/") + "/resend/", follow=True))
    assert "We have sent you a new confirmation link" in page_text(resend)
    assert len(mail.outbox) == 2

    settings.PLEA_CONFIRMATION_MAX_AGE = 3600
    client.post(confirm_link(mail.outbox[1]))
    assert count_of(petition) == 1


def test_resending_too_soon_sends_nothing(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    link = confirm_link(mail.outbox[0])

    response = send_on_commit(lambda: client.post(link.rstrip("/") + "/resend/", follow=True))

    assert "We sent you a link a few minutes ago" in page_text(response)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-3] + "abc",
        lambda token: token[:10],
        lambda token: "x" + token,
        lambda token: "not-a-token",
        lambda token: token[:8] + "%00" + token[8:],
    ],
    ids=["tampered", "truncated", "prefixed", "garbage", "nul"],
)
def test_forged_or_broken_links_change_nothing(client, send_on_commit, petition, mangle):
    sign(client, send_on_commit, petition)
    link = confirm_link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    broken = link.replace(token, mangle(token))

    response = client.post(broken)

    assert response.status_code in (400, 404)
    assert count_of(petition) == 0
    assert Signature.objects.get().state == Signature.State.PENDING


def test_a_confirm_token_cannot_be_used_as_a_withdraw_token(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    message = mail.outbox[0]
    client.post(confirm_link(message))
    token = confirm_link(message).rstrip("/").rsplit("/", 1)[1]

    response = client.post(reverse("petitions:withdraw", kwargs={"token": token}))

    assert response.status_code == 400
    assert count_of(petition) == 1


def test_a_closed_petition_shows_its_final_count_and_refuses_signatures_politely(client, send_on_commit):
    petition = closed_petition()
    confirmed_signature(petition)  # confirmations of links sent before closing still count
    petition.refresh_from_db()

    page = client.get(petition.get_absolute_url())
    assert "1 person signed this petition." in page_text(page)
    assert "This petition is closed" in page_text(page)
    assert 'name="email"' not in page.content.decode()

    response = sign(client, send_on_commit, petition, email="late@example.org")
    assert "This petition is closed" in page_text(client.get(response["Location"]))
    assert not Signature.objects.filter(email_key=email_hash("late@example.org")).exists()
    assert mail.outbox == []


def test_a_petition_past_its_closing_date_stops_taking_signatures(client, send_on_commit, petition):
    petition.closes_at = timezone.now() - timedelta(minutes=1)
    petition.save()

    sign(client, send_on_commit, petition)

    assert not Signature.objects.exists()
    assert "This petition is closed" in page_text(client.get(petition.get_absolute_url()))


def test_signing_a_draft_or_unknown_petition_is_not_found(client, send_on_commit):
    from tests.petitions.factories import draft_petition

    draft = draft_petition()
    for slug in (draft.slug, "no-such-petition"):
        response = client.post(reverse("petitions:sign", kwargs={"slug": slug}), form(draft))
        assert response.status_code == 404
        assert "Page not found" in page_text(response)
    assert not Signature.objects.exists()


def test_the_email_keeps_the_signers_language(client, send_on_commit, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    assert url.startswith("/en/")
    send_on_commit(lambda: client.post(url.replace("/en/", "/ru/", 1), form(petition)))

    assert Signature.objects.get().language == "ru"
    assert "/ru/" in confirm_link(mail.outbox[0])


def test_pending_signatures_do_not_show_publicly(client, petition):
    pending_signature(petition, full_name="Not Yet Confirmed", show_publicly=True)

    assert "Not Yet Confirmed" not in page_text(client.get(petition.get_absolute_url()))


def test_every_mail_carries_a_withdraw_link(client, send_on_commit, petition):
    sign(client, send_on_commit, petition)
    client.post(confirm_link(mail.outbox[0]))
    Signature.objects.update(last_mailed_at=timezone.now() - timedelta(hours=1))
    sign(client, send_on_commit, petition)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert any("/withdraw/" in link for link in links_in(message))
