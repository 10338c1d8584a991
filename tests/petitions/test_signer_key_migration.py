"""Migration 0011 on a database from before: addresses erased where nothing
mails them any more, sealed where mail still needs them, email keys keyed,
and one-per-person still holding against every spelling the normaliser
merges, tombstones made before included.

Needs a test database built by migrations (`--migrations`); the default
`--no-migrations` run skips it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from core.encryption import TOKEN_PREFIX, unseal
from petitions import signing
from petitions.email_keys import email_key, keyed
from petitions.models import Petition, Signature
from tests.petitions.factories import another_address, open_petition, sign_form

BEFORE = [("petitions", "0010_recompute_email_keys")]

# (address stored before, state, wants updates, spellings of the same mailbox)
SIGNED_BEFORE = [
    (
        "gulnar.omarova@gmail.com",
        "confirmed",
        False,
        ["Gulnar.Omarova@gmail.com", "gulnaromarova+plea@googlemail.com", "g.u.l.n.a.r.omarova@GMAIL.COM.",
         "ｇｕｌｎａｒｏｍａｒｏｖａ@gmail.com", "gulnar.omarova@gmail。com"],
    ),
    (
        "zhanar.sadykova@proton.me",
        "confirmed",
        True,
        ["zhanar_sadykova@pm.me", "Zhanar-Sadykova@protonmail.com", "zhanarsadykova+x@protonmail.ch"],
    ),
    ("ivan.petrov@yandex.ru", "pending", False, ["ivan-petrov@ya.ru", "Ivan.Petrov@yandex.kz"]),
    ("tursun@icloud.com", "confirmed", True, ["tursun@me.com", "TURSUN@mac.com"]),
]  # fmt: skip


@pytest.fixture
def migrate(transactional_db):
    applied = MigrationRecorder(connection).applied_migrations()
    if ("petitions", "0011_signer_addresses_sealed_and_keyed") not in applied:
        pytest.skip("the test database was built without migrations")

    def to(targets=None):
        executor = MigrationExecutor(connection)
        executor.migrate(targets or executor.loader.graph.leaf_nodes())
        return executor.loader.project_state(targets).apps if targets else None

    yield to
    to()


def test_addresses_are_sealed_or_erased_and_every_spelling_still_signs_once(migrate, client):
    petition = open_petition()
    old = migrate(BEFORE)
    signatures = old.get_model("petitions", "Signature").objects
    now = timezone.now()
    before = {}
    for address, state, updates, _ in SIGNED_BEFORE:
        key = email_key(address)
        before[address] = signatures.create(
            petition_id=petition.pk,
            state=state,
            full_name=address.split("@")[0],
            email=address,
            email_key=key,
            email_domain=key.rpartition("@")[2],
            wants_updates=updates,
            confirmed_at=now if state == "confirmed" else None,
        ).pk
    # An invalidated signature withdrawn before: its tombstone hashed the address.
    withdrawn = signatures.create(petition_id=petition.pk, state="withdrawn", invalidated_at=now)
    old.get_model("petitions", "SignatureTombstone").objects.create(
        petition_id=petition.pk, key_hash=signing.tombstone_hash("mallory@example.org"), signature_id=withdrawn.pk
    )
    Petition.objects.filter(pk=petition.pk).update(signature_count=3)

    migrate()

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, email, email_key FROM petitions_signature")
        raw = {pk: (email, key) for pk, email, key in cursor.fetchall()}
    for address, state, updates, _ in SIGNED_BEFORE:
        email, key = raw[before[address]]
        assert key == keyed(email_key(address))
        if state == "confirmed" and not updates:
            assert email == ""
        else:
            assert email.startswith(TOKEN_PREFIX) and unseal(email) == address

    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    for _, _, _, spellings in SIGNED_BEFORE:
        for spelling in spellings:
            client.post(url, sign_form(petition, email=spelling), REMOTE_ADDR=another_address())
    assert Signature.objects.filter(petition=petition).count() == len(SIGNED_BEFORE) + 1, "no second signature"
    client.post(url, sign_form(petition, email="Mallory+again@example.org"), REMOTE_ADDR=another_address())
    held = Signature.objects.filter(petition=petition).latest("pk")
    assert (held.state, held.review_flag) == (Signature.State.INVALIDATED, Signature.Flag.SIGNED_AGAIN)
    petition.refresh_from_db()
    assert petition.signature_count == 3
