import re

import pytest
from django.urls import reverse

from petitions.models import PetitionUpdate, Signature
from petitions.tasks import send_update_batch
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition():
    return f.open_petition()


def post_update(client, petition, capture, **data):
    with capture(execute=True):
        return client.post(
            reverse("organisers:update_create", kwargs={"slug": petition.slug}),
            {"title": "Good news", "body": "She **called** home.", **data},
            follow=True,
        )


def test_update_is_shown_and_mailed_to_opted_in_signers_only(
    client, petition, mailoutbox, django_capture_on_commit_callbacks
):
    wants = f.confirmed_signature(petition, email="wants@example.org", wants_updates=True, language="ru")
    f.confirmed_signature(petition, email="quiet@example.org")
    f.pending_signature(petition, email="pending@example.org", wants_updates=True)
    f.invalidated_signature(petition, email="spam@example.org", wants_updates=True)
    client.force_login(f.moderator_of(petition))
    response = post_update(client, petition, django_capture_on_commit_callbacks)
    assert "Update posted" in response.text
    assert [m.to for m in mailoutbox] == [["wants@example.org"]]
    mail = mailoutbox[0]
    assert "Good news" in mail.subject and "She **called** home." in mail.body
    assert "/signatures/unsubscribe/" in mail.body and "/signatures/withdraw/" in mail.body
    assert mail.extra_headers["List-Unsubscribe"].startswith("<http")
    page = client.get(petition.get_absolute_url())
    assert "Good news" in page.text and "<strong>called</strong>" in page.text
    update = PetitionUpdate.objects.get()
    assert update.mailed_count == 1 and update.mailing_finished_at and update.mailed_through_id == wants.pk


def test_mail_goes_out_in_batches(client, petition, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.PLEA_UPDATE_BATCH_SIZE = 2
    for _ in range(5):
        f.confirmed_signature(petition, wants_updates=True)
    client.force_login(f.owner_of(petition))
    post_update(client, petition, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 5
    assert len({m.to[0] for m in mailoutbox}) == 5
    update = PetitionUpdate.objects.get()
    assert update.mailed_count == 5 and update.mailing_finished_at


def test_a_batch_that_runs_twice_mails_nobody_twice(petition, mailoutbox):
    f.confirmed_signature(petition, wants_updates=True)
    update = PetitionUpdate.objects.create(petition=petition, title="T", body="B")
    send_update_batch.call(update_id=update.pk)
    send_update_batch.call(update_id=update.pk)
    assert len(mailoutbox) == 1


def test_no_updates_on_a_draft(client, mailoutbox, django_capture_on_commit_callbacks):
    draft = f.draft_petition()
    client.force_login(f.owner_of(draft))
    response = post_update(client, draft, django_capture_on_commit_callbacks)
    assert "Open the petition before posting updates" in response.text
    assert not PetitionUpdate.objects.exists()


def test_unsubscribe_link_needs_a_post(client, petition, mailoutbox, django_capture_on_commit_callbacks):
    signature = f.confirmed_signature(petition, wants_updates=True)
    client.force_login(f.moderator_of(petition))
    post_update(client, petition, django_capture_on_commit_callbacks)
    client.logout()
    link = re.search(r"http\S+/signatures/unsubscribe/\S+", mailoutbox[0].body).group(0)
    path = link.split("8000", 1)[1]
    page = client.get(path)  # what a mail scanner does
    assert page.status_code == 200 and "Stop the emails" in page.text
    assert Signature.objects.get(pk=signature.pk).wants_updates
    done = client.post(path, follow=True)
    assert "no more updates" in done.text
    signature.refresh_from_db()
    assert not signature.wants_updates and signature.state == Signature.State.CONFIRMED
    assert signature.email == "", "no updates, so no reason left to keep the address"
    f.assert_count_exact(petition)
    # The withdraw link of the same mail still works without the address.
    withdraw = re.search(r"http\S+/signatures/withdraw/\S+", mailoutbox[0].body).group(0).split("8000", 1)[1]
    assert client.post(withdraw).status_code == 302
    assert Signature.objects.get(pk=signature.pk).state == Signature.State.WITHDRAWN
    mailoutbox.clear()
    client.force_login(f.moderator_of(petition))
    post_update(client, petition, django_capture_on_commit_callbacks, title="Second")
    assert mailoutbox == []


def test_forged_unsubscribe_link(client):
    assert client.get(reverse("petitions:unsubscribe", kwargs={"token": "forged"})).status_code == 400
