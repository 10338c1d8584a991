"""The sign POST's written-out SQL: `Petition.objects.for_signing` finds
exactly the petitions `published()` does, with the fields signing reads,
and a new signature's mail task is queued once, in the signature's own
statement on PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petitions.models import Petition, Signature
from tests.conftest import rate_limit_rules
from tests.petitions.factories import another_address, draft_petition, open_petition, sign_form

NOW = timezone.now()


def petitions() -> list[Petition]:
    closed = open_petition()
    closed.close(now=NOW - timedelta(days=1))
    won = open_petition()
    won.close(now=NOW)
    Petition.objects.filter(pk=won.pk).update(status=Petition.Status.VICTORY)
    return [
        draft_petition(),
        open_petition(),
        open_petition(closes_at=NOW + timedelta(days=3)),
        open_petition(closes_at=NOW - timedelta(hours=1)),
        closed,
        won,
    ]


@pytest.mark.django_db
def test_for_signing_finds_what_published_finds():
    made = petitions()
    published = set(Petition.objects.published().values_list("pk", flat=True))
    assert published and published != {petition.pk for petition in made}  # both kinds

    for petition in made:
        found = Petition.objects.for_signing(petition.slug)
        if petition.pk not in published:
            assert found is None
            continue
        full = Petition.objects.get(pk=petition.pk)
        assert (found.pk, found.slug, found.status, found.closes_at) == (
            full.pk,
            full.slug,
            full.status,
            full.closes_at,
        )
        assert found.accepts_signatures(now=NOW) == full.accepts_signatures(now=NOW)
        assert found.get_absolute_url() == full.get_absolute_url()
    assert Petition.objects.for_signing("no-such-petition") is None


@pytest.mark.django_db
def test_for_signing_is_one_small_select():
    petition = open_petition(closes_at=NOW + timedelta(days=3))
    with CaptureQueriesContext(connection) as captured:
        found = Petition.objects.for_signing(petition.slug)
    assert len(captured) == 1
    assert found.closes_at == petition.closes_at and timezone.is_aware(found.closes_at)
    assert found.get_deferred_fields() >= {"title", "summary", "signature_count"}


@pytest.mark.django_db
def test_a_reshown_form_shows_the_whole_petition(client):
    """for_signing defers the text; a form shown again reads the petition in full."""
    petition = open_petition(title="Free the poets", summary="Seven poets are held without trial.")
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    response = client.post(url, sign_form(petition, email="not an address"), REMOTE_ADDR=another_address())
    assert response.status_code == 400
    assert "Free the poets" in response.content.decode()
    assert "Seven poets are held without trial." in response.content.decode()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PLEA_RATE_LIMITS = rate_limit_rules(sign_per_petition=[], sign=[])


def sign(client, petition: Petition, email: str):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    return client.post(url, sign_form(petition, email=email), REMOTE_ADDR=another_address())


@pytest.mark.django_db
def test_a_signature_and_its_mail_task_in_one_statement_on_postgresql(client, database_queue):
    petition = open_petition()
    with CaptureQueriesContext(connection) as captured:
        response = sign(client, petition, "first@example.org")
    assert response.status_code == 302

    signature = Signature.objects.get(petition=petition)
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "petitions.tasks.mail_after_signing"
    assert task.args_kwargs == {"args": [], "kwargs": {"signature_id": signature.pk, "fresh": True}}
    assert (task.status, task.priority, task.queue_name, task.backend_name) == ("READY", 0, "default", "default")
    writes = [query["sql"].split()[0] for query in captured if query["sql"].split()[0] in ("INSERT", "WITH")]
    # PostgreSQL: one statement for both rows; SQLite (no INSERT in a CTE): two.
    assert writes == (["WITH"] if connection.vendor == "postgresql" else ["INSERT", "INSERT"])


@pytest.mark.django_db
def test_signing_again_queues_only_the_reminder_task(client, database_queue):
    petition = open_petition()
    sign(client, petition, "again@example.org")
    sign(client, petition, "again@example.org")

    signature = Signature.objects.get(petition=petition)
    kwargs = sorted(
        (task.args_kwargs["kwargs"]["fresh"], task.args_kwargs["kwargs"]["signature_id"])
        for task in DBTaskResult.objects.all()
    )
    assert kwargs == [(False, signature.pk), (True, signature.pk)]
