"""Signing's integrity: nothing learnt from a signing request about
whether an address signed, no stranger's words in our mail, and an
invalidated signature cannot come back by withdrawing and signing again."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petitions.models import Petition, Signature, SignatureTombstone
from petitions.tasks import mail_after_signing
from tests.conftest import page_text
from tests.petitions.factories import another_address, confirmed_signature, pending_signature, sign_form
from tests.petitions.mailbox import confirm_link, withdraw_link

pytestmark = pytest.mark.django_db

PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PHISHING_NAME = "Plea security team: your account is locked, restore it at https://plea-restore.example/login"


def sign(client, petition, **changes):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    return client.post(url, sign_form(petition, **changes), REMOTE_ADDR=another_address())


def count_of(petition) -> int:
    return Petition.objects.get(pk=petition.pk).signature_count


# --- the same work on every branch ---------------------------------------------


def _long_ago(signature):
    Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - datetime.timedelta(hours=1))


BRANCHES = {
    "a new address": lambda petition: None,
    "pending, mailed just now": lambda petition: pending_signature(
        petition, email="amina@example.org", last_mailed_at=timezone.now()
    ),
    "pending, mailed long ago": lambda petition: _long_ago(pending_signature(petition, email="amina@example.org")),
    "confirmed": lambda petition: _long_ago(confirmed_signature(petition, email="amina@example.org")),
    "invalidated": lambda petition: confirmed_signature(petition, email="amina@example.org").invalidate(reason="fraud"),
    "another way of typing a signed address": lambda petition: _long_ago(
        confirmed_signature(petition, email="AMINA+x@example.org")
    ),
}


@pytest.mark.parametrize("branch", BRANCHES)
def test_every_signing_branch_queues_the_same_one_task_and_mails_nothing_in_the_request(
    client, send_on_commit, petition, settings, branch
):
    BRANCHES[branch](petition)
    settings.TASKS = PRODUCTION_TASKS

    response = send_on_commit(lambda: sign(client, petition))

    assert response.status_code == 302
    assert response["Location"].endswith("/signed/")
    assert mail.outbox == [], "no mail is sent inside the request"
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == ["petitions.tasks.mail_after_signing"]


@pytest.mark.parametrize(
    ("branch", "subject"),
    [
        ("a new address", "Confirm your signature"),
        ("pending, mailed just now", None),
        ("pending, mailed long ago", "Confirm your signature"),
        ("confirmed", "You have already signed"),
        ("invalidated", None),
        ("another way of typing a signed address", "You have already signed"),
    ],
)
def test_the_task_decides_what_to_mail(client, send_on_commit, petition, settings, branch, subject):
    BRANCHES[branch](petition)
    settings.TASKS = PRODUCTION_TASKS
    send_on_commit(lambda: sign(client, petition))
    [queued] = DBTaskResult.objects.all()

    mail_after_signing.call(**queued.args_kwargs["kwargs"])  # what the worker does

    assert [message.subject.split(":")[0] for message in mail.outbox] == ([subject] if subject else [])
    assert Signature.objects.filter(petition=petition).count() == 1


# --- our mail, not a stranger's words ----------------------------------------------


def test_no_mail_a_stranger_can_trigger_carries_the_name_they_typed(client, send_on_commit, petition):
    send_on_commit(lambda: sign(client, petition, full_name=PHISHING_NAME, email="victim@example.org"))
    signature = Signature.objects.get()
    signature.confirm()
    Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - datetime.timedelta(hours=1))
    send_on_commit(lambda: sign(client, petition, full_name=PHISHING_NAME, email="victim@example.org"))

    subjects = [message.subject.split(":")[0] for message in mail.outbox]
    assert subjects == ["Confirm your signature", "You have already signed"]
    for message in mail.outbox:
        assert message.body.startswith("Hello,\n")
        assert "plea-restore.example" not in message.body and "security team" not in message.body


# --- an invalidated signature withdrawn leaves a tombstone ---------------------------


def test_withdrawing_an_invalidated_signature_and_signing_again_does_not_raise_the_count(
    client, send_on_commit, petition
):
    send_on_commit(lambda: sign(client, petition, email="mallory@example.org"))
    client.post(confirm_link(mail.outbox[-1]))
    assert count_of(petition) == 1
    first = Signature.objects.get()
    first.invalidate(reason="fraud")
    assert count_of(petition) == 0

    client.post(withdraw_link(mail.outbox[-1]))
    withdrawn = Signature.objects.get(pk=first.pk)
    assert withdrawn.state == Signature.State.WITHDRAWN and withdrawn.email == "" and withdrawn.email_key is None
    [tombstone] = SignatureTombstone.objects.all()
    assert "mallory" not in tombstone.key_hash and len(tombstone.key_hash) == 64

    mail.outbox = []
    response = send_on_commit(lambda: sign(client, petition, email="Mallory+again@example.org"))
    assert response.status_code == 302
    again = Signature.objects.exclude(pk=first.pk).get()
    assert again.state == Signature.State.INVALIDATED
    assert again.review_flag == Signature.Flag.SIGNED_AGAIN
    assert count_of(petition) == 0

    confirmed = client.post(confirm_link(mail.outbox[-1]), follow=True)
    assert "will count once the organisers have reviewed it" in page_text(confirmed)
    assert count_of(petition) == 0, "held for review: not counted"

    Signature.objects.get(pk=again.pk).reinstate()
    assert count_of(petition) == 1, "a moderator's reinstating counts it"
    history = Signature.objects.get(pk=first.pk)
    assert history.invalidation_reason == "fraud" and history.invalidated_at is not None


def test_the_held_signature_is_listed_as_flagged_for_the_organisers(client, send_on_commit, petition):
    from tests.organisers.factories import owner_of

    send_on_commit(lambda: sign(client, petition, email="mallory@example.org"))
    first = Signature.objects.get()
    first.invalidate(reason="spam")
    client.post(withdraw_link(mail.outbox[-1]))
    send_on_commit(lambda: sign(client, petition, email="mallory@example.org"))
    client.force_login(owner_of(petition))

    html = client.get(
        f"/en/organisers/petitions/{petition.slug}/signatures/?state=flagged&emails=full"
    ).content.decode()

    assert "Signed again after withdrawing an invalidated signature" in html
    assert "mallory@example.org" in html


def test_withdrawing_a_valid_signature_leaves_no_tombstone_and_signing_again_counts(client, send_on_commit, petition):
    send_on_commit(lambda: sign(client, petition, email="amina@example.org"))
    client.post(confirm_link(mail.outbox[-1]))
    client.post(withdraw_link(mail.outbox[-1]))
    mail.outbox = []

    send_on_commit(lambda: sign(client, petition, email="amina@example.org"))
    client.post(confirm_link(mail.outbox[-1]))

    assert not SignatureTombstone.objects.exists()
    assert count_of(petition) == 1


def test_a_tombstone_holds_only_on_its_own_petition(client, send_on_commit, petition):
    from tests.petitions.factories import open_petition

    other = open_petition()
    send_on_commit(lambda: sign(client, petition, email="mallory@example.org"))
    Signature.objects.get().invalidate(reason="fraud")
    client.post(withdraw_link(mail.outbox[-1]))

    send_on_commit(lambda: sign(client, other, email="mallory@example.org"))

    assert Signature.objects.get(petition=other).state == Signature.State.PENDING


# --- the sign form refuses what keys one mailbox several ways --------------------


@pytest.mark.parametrize("email", ['"victim"@gmail.com', '"v\\ictim"@gmail.com', "x@[127.0.0.1]"])
def test_quoted_local_parts_and_domain_literals_are_refused_with_a_clear_message(client, petition, email):
    response = sign(client, petition, email=email)

    assert response.status_code == 400
    assert "Addresses with quotation marks or an IP address in square brackets cannot sign" in page_text(response)
    assert not Signature.objects.exists()


def test_an_address_typed_with_an_ideographic_full_stop_is_the_same_mailbox(client, send_on_commit, petition):
    send_on_commit(lambda: sign(client, petition, email="victim@gmail.com"))
    send_on_commit(lambda: sign(client, petition, email="v.ictim@gmail.com。"))
    send_on_commit(lambda: sign(client, petition, email="ｖｉｃｔｉｍ@ｇｍａｉｌ.com"))

    assert Signature.objects.count() == 1
