"""A mail server that refuses or drops mail: retried with backoff, nothing
silently dropped, and the people who run the petition see what failed."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import mail as templated_mail
from petitions.models import PetitionUpdate, Signature
from petitions.tasks import send_signer_mail, send_update_batch
from tests.conftest import page_text
from tests.organisers import factories as f
from tests.petitions.factories import sign_form
from tests.petitions.failing_mail import FailingMailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def failing_mail(settings):
    FailingMailBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "tests.petitions.failing_mail.FailingMailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "tests.petitions.failing_mail.ImmediateRetryingBackend"}}
    yield FailingMailBackend
    FailingMailBackend.reset()


def signers(petition, count: int) -> list[Signature]:
    return [f.confirmed_signature(petition, email=f"signer{n}@example.org", wants_updates=True) for n in range(count)]


def post_update(petition) -> PetitionUpdate:
    update = PetitionUpdate.objects.create(petition=petition, title="Good news", body="She called home.")
    send_update_batch.enqueue(update_id=update.pk)
    update.refresh_from_db()
    return update


def test_a_refused_address_is_counted_as_failed_and_the_mailing_goes_on(petition, failing_mail):
    signers(petition, 5)
    failing_mail.refused = {"signer1@example.org", "signer3@example.org"}

    update = post_update(petition)

    assert sorted(m.to[0] for m in mail.outbox) == ["signer0@example.org", "signer2@example.org", "signer4@example.org"]
    assert (update.mailed_count, update.failed_count) == (3, 2)
    assert update.mailing_finished_at is not None


def test_a_dropped_connection_mid_batch_is_retried_from_where_it_stopped(petition, failing_mail, settings):
    settings.PLEA_UPDATE_BATCH_SIZE = 3
    signers(petition, 7)
    failing_mail.flaky = {"signer1@example.org": 2, "signer4@example.org": 1}

    update = post_update(petition)

    delivered = [m.to[0] for m in mail.outbox]
    assert sorted(delivered) == [f"signer{n}@example.org" for n in range(7)], "nobody lost, nobody twice"
    assert (update.mailed_count, update.failed_count) == (7, 0)
    assert failing_mail.attempts.count("signer1@example.org") == 3
    assert failing_mail.attempts.count("signer0@example.org") == 1, "the mail already handed over is not sent again"


def test_a_server_that_never_comes_back_leaves_the_rest_counted_as_failed(petition, failing_mail):
    signers(petition, 4)
    failing_mail.flaky = {"signer2@example.org": 1000}

    update = post_update(petition)

    assert (update.mailed_count, update.failed_count) == (2, 2), "two sent before it went down; two never sent"
    assert failing_mail.attempts.count("signer2@example.org") == len(templated_mail.RETRY_DELAYS) + 1
    assert update.mailing_finished_at is not None


def test_retries_wait_longer_each_time_on_a_queue_that_can_wait(petition, failing_mail, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    signers(petition, 1)
    failing_mail.flaky = {"signer0@example.org": 2}
    update = PetitionUpdate.objects.create(petition=petition, title="T", body="B")

    send_update_batch.call(update_id=update.pk)
    (retry,) = default_task_backend.results
    send_update_batch.call(update_id=update.pk, attempt=3)

    assert retry.args == [] and retry.kwargs == {"update_id": update.pk, "attempt": 1}
    first, later = (result.task.run_after - timezone.now() for result in default_task_backend.results)
    assert 0 < first.total_seconds() <= templated_mail.RETRY_DELAYS[0]
    assert later.total_seconds() > templated_mail.RETRY_DELAYS[2]
    assert mail.outbox == [] and PetitionUpdate.objects.get().mailed_count == 0, "nothing counted as sent"


def test_without_a_queue_that_can_wait_mail_is_tried_twice_then_counted_as_failed(petition, failing_mail, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    signers(petition, 2)
    failing_mail.flaky = {"signer0@example.org": 5}

    update = post_update(petition)

    assert failing_mail.attempts.count("signer0@example.org") == 2, "a request does not wait out a mail server"
    assert (update.mailed_count, update.failed_count) == (0, 2)


def test_the_owner_sees_how_many_were_sent_and_how_many_failed(client, petition):
    PetitionUpdate.objects.create(petition=petition, title="Good news", body="B", mailed_count=412, failed_count=3)
    client.force_login(f.owner_of(petition))

    response = client.get(reverse("organisers:petition", kwargs={"slug": petition.slug}))

    assert "412 sent, 3 failed" in page_text(response)


def test_a_confirmation_is_retried_when_the_connection_drops(client, petition, failing_mail, send_on_commit):
    failing_mail.flaky = {"amina@example.org": 2}

    send_on_commit(
        lambda: client.post(
            reverse("petitions:sign", kwargs={"slug": petition.slug}), sign_form(petition), REMOTE_ADDR="203.0.113.30"
        )
    )

    assert [m.to for m in mail.outbox] == [["amina@example.org"]]
    assert Signature.objects.get().mail_failed_at is None


def test_an_undeliverable_confirmation_is_shown_and_the_signer_can_get_it_again(
    client, petition, failing_mail, send_on_commit
):
    sign_url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    failing_mail.refused = {"amina@example.org"}
    send_on_commit(lambda: client.post(sign_url, sign_form(petition), REMOTE_ADDR="203.0.113.31"))
    signature = Signature.objects.get()
    assert signature.mail_failed_at is not None and mail.outbox == []

    organiser = f.owner_of(petition)
    client.force_login(organiser)
    page = page_text(client.get(reverse("organisers:petition", kwargs={"slug": petition.slug})))
    assert "1 confirmation email could not be sent" in page
    client.logout()

    failing_mail.refused = set()  # the signer fixed their mailbox, or the server came back
    send_on_commit(lambda: client.post(sign_url, sign_form(petition), REMOTE_ADDR="203.0.113.32"))

    assert [m.to for m in mail.outbox] == [["amina@example.org"]], "at once, without the usual wait"
    assert "/confirm/" in mail.outbox[0].body
    assert Signature.objects.get().mail_failed_at is None


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (templated_mail.smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no")}), True),
        (templated_mail.smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"greylisted")}), False),
        (templated_mail.smtplib.SMTPDataError(554, b"rejected"), True),
        (templated_mail.smtplib.SMTPDataError(451, b"later"), False),
        (templated_mail.smtplib.SMTPSenderRefused(550, b"bad sender", "us@example.org"), False),
        (templated_mail.smtplib.SMTPAuthenticationError(535, b"bad password"), False),
        (templated_mail.smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
        (RuntimeError("a provider's API"), False),
    ],
)
def test_which_refusals_are_for_good(error, permanent):
    assert templated_mail.is_permanent(error) is permanent


def test_a_confirmation_task_for_a_withdrawn_signer_sends_nothing(petition):
    send_signer_mail.call(signature_id=12345, kind="confirm")
    assert mail.outbox == []
