"""Signer mail through the database queue and `manage.py db_worker`, as in
production: each signature mailed once, a failed hand-over retried later
from the queue, and a signer mail costs the worker one statement."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petitions.models import Signature
from petitions.tasks import send_signer_mail
from tests.conftest import rate_limit_rules
from tests.petitions.factories import another_address, open_petition, sign_form
from tests.petitions.failing_mail import FailingMailBackend

# The worker checks its connection before each batch, which would end a
# test's enclosing transaction: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PLEA_RATE_LIMITS = rate_limit_rules(sign_per_petition=[], sign=[])


def sign(client, petition, email: str) -> None:
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    response = client.post(url, sign_form(petition, email=email), REMOTE_ADDR=another_address())
    assert response.status_code == 302


def run_worker(**options) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, **options)
    return captured


def test_every_signature_is_mailed_once_and_the_queue_is_left_empty(client):
    petition = open_petition()
    people = [f"signer{n}@example.org" for n in range(7)]
    for email in people:
        sign(client, petition, email)
    sign(client, petition, people[0])  # again at once: no second mail so soon
    assert mail.outbox == [], "nothing is mailed inside a request"

    run_worker(claim=3)

    assert sorted(message.to[0] for message in mail.outbox) == people
    assert all(message.subject.startswith("Confirm your signature") for message in mail.outbox)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert DBTaskResult.objects.count() == len(people) + 1

    run_worker()  # a second run finds nothing to send again
    assert len(mail.outbox) == len(people)


def test_a_signer_mail_costs_the_worker_one_statement(client):
    petition = open_petition()
    for n in range(4):
        sign(client, petition, f"signer{n}@example.org")

    captured = run_worker(claim=10)

    statements = [query["sql"].split()[0] for query in captured if query["sql"] not in ("BEGIN EXCLUSIVE", "COMMIT")]
    # Claim the four, read each signer (address, language, petition title), record the four, find none left.
    assert statements == ["UPDATE", "SELECT", "SELECT", "SELECT", "SELECT", "UPDATE", "UPDATE"]
    assert len(mail.outbox) == 4


@pytest.fixture
def failing_mail(settings):
    FailingMailBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "tests.petitions.failing_mail.FailingMailBackend"}}
    yield FailingMailBackend
    FailingMailBackend.reset()


def test_a_mail_the_server_did_not_take_is_queued_again_for_later(client, failing_mail):
    petition = open_petition()
    failing_mail.flaky = {"amina@example.org": 1}
    sign(client, petition, "amina@example.org")

    run_worker()

    assert mail.outbox == []
    retry = DBTaskResult.objects.get(task_path=send_signer_mail.module_path)
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 1
    assert retry.run_after - timezone.now() > datetime.timedelta(seconds=30), "later, not at once"
    assert DBTaskResult.objects.exclude(pk=retry.pk).get().status == "SUCCESSFUL"

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_worker()

    assert [message.to for message in mail.outbox] == [["amina@example.org"]]
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert Signature.objects.get().mail_failed_at is None


def test_an_address_refused_for_good_is_marked_and_not_retried(client, failing_mail):
    petition = open_petition()
    failing_mail.refused = {"amina@example.org"}
    sign(client, petition, "amina@example.org")

    run_worker()

    assert Signature.objects.get().mail_failed_at is not None
    assert not DBTaskResult.objects.filter(task_path=send_signer_mail.module_path).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
