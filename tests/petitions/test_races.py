"""Racing requests: one signature per person and an exact count, never a 500."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions import signing
from petitions.models import InvalidTransition, Petition, Signature
from tests.petitions.factories import another_address, open_petition, sign_form


@pytest.mark.django_db
def test_signing_again_is_one_statement_that_inserts_nothing_and_raises_nothing(client, petition):
    """The insert itself decides (ON CONFLICT DO NOTHING): there is no check
    before it for a racing request to slip past, and a repeat is not a unique
    violation, which PostgreSQL would log with the statement and the address."""
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    client.post(url, sign_form(petition), REMOTE_ADDR=another_address())
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            url, {**sign_form(petition), "email": "AMINA@example.org"}, REMOTE_ADDR=another_address()
        )

    assert response.status_code == 302
    assert Signature.objects.filter(petition=petition).count() == 1
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "petitions_signature"')]
    assert len(inserts) == 1
    assert "ON CONFLICT" in inserts[0]


def run_together(workers: int, action) -> list[BaseException]:
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            action(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="SQLite's in-memory test database serialises all writers"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_identical_submissions_racing_give_one_signature_and_no_server_error():
    petition = open_petition()
    statuses = []
    addresses = [another_address() for _ in range(8)]

    def submit(index):
        url = reverse("petitions:sign", kwargs={"slug": petition.slug})
        response = Client().post(url, sign_form(petition), REMOTE_ADDR=addresses[index])
        statuses.append(response.status_code)

    assert run_together(8, submit) == []
    assert statuses == [302] * 8
    assert Signature.objects.filter(petition=petition).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_confirmations_and_withdrawals_keep_the_count_exact():
    petition = open_petition()
    for n in range(20):
        signing.signature_create(
            petition=petition, full_name=f"S{n}", email=f"s{n}@example.org", country="KZ", reason="",
            show_publicly=False, wants_updates=False, ip_address=None, language="en",
        )  # fmt: skip
    ids = list(Signature.objects.filter(petition=petition).values_list("pk", flat=True))

    def confirm_or_withdraw(index):
        for pk in ids:
            signature = Signature.objects.get(pk=pk)
            try:
                # Thread 0 withdraws every fifth signature; the rest are only ever
                # confirmed, so some are always counted at the end.
                signature.withdraw() if index == 0 and pk % 5 == 0 else signature.confirm()
            except InvalidTransition:
                pass

    assert run_together(6, confirm_or_withdraw) == []
    counted = Signature.objects.filter(petition=petition).counted().count()
    assert Petition.objects.get(pk=petition.pk).signature_count == counted
    assert counted > 0
