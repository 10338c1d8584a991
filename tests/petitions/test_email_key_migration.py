"""Migration 0010 recomputes email keys; a signature that turns out to be the
same mailbox as an earlier one is flagged for organisers, never dropped."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from petitions.models import Petition, Signature
from tests.petitions.factories import confirmed_signature, open_petition, pending_signature

pytestmark = pytest.mark.django_db

recompute = importlib.import_module("petitions.migrations.0010_recompute_email_keys").recompute


def signed_with_old_key(petition, email: str, old_key: str, *, minutes_ago: int, confirmed: bool = True):
    """A signature as the old normalisation keyed it (wanting updates, so a
    confirmed one keeps its address for the recomputation to read)."""
    make = confirmed_signature if confirmed else pending_signature
    return make(
        petition,
        email=email,
        wants_updates=True,
        email_key=old_key,
        email_domain=old_key.rpartition("@")[2],
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_keys_are_recomputed_and_a_second_signature_from_one_mailbox_is_flagged_not_dropped():
    petition = open_petition()
    first = signed_with_old_key(petition, "ivan.petrov@yandex.ru", "ivan.petrov@yandex.ru", minutes_ago=30)
    second = signed_with_old_key(petition, "ivan-petrov@ya.ru", "ivan-petrov@ya.ru", minutes_ago=20)
    third = signed_with_old_key(petition, "v.ictim@gmail.com。", "v.ictim@gmail.com.", minutes_ago=10)
    fourth = signed_with_old_key(petition, "victim@gmail.com", "victim@gmail.com", minutes_ago=5, confirmed=False)
    untouched = signed_with_old_key(petition, "amina@example.org", "amina@example.org", minutes_ago=1)
    count_before = Petition.objects.get(pk=petition.pk).signature_count

    recompute(apps, None)

    rows = {row.pk: row for row in Signature.objects.all()}
    assert rows[first.pk].email_key == "ivan-petrov@yandex.ru" and not rows[first.pk].review_flag
    assert rows[second.pk].email_key is None
    assert rows[second.pk].review_flag == Signature.Flag.SAME_MAILBOX
    assert rows[second.pk].duplicate_of_id == first.pk
    assert rows[second.pk].state == Signature.State.CONFIRMED, "kept as it was, for organisers to decide"
    # The earlier one keeps the key, whichever of the two changed.
    assert rows[third.pk].email_key == "victim@gmail.com"
    assert rows[fourth.pk].duplicate_of_id == third.pk
    assert rows[untouched.pk].email_key == "amina@example.org" and not rows[untouched.pk].review_flag
    assert Signature.objects.count() == 5
    assert Petition.objects.get(pk=petition.pk).signature_count == count_before


def test_the_same_mailbox_on_two_petitions_is_no_duplicate():
    one, other = open_petition(), open_petition()
    signed_with_old_key(one, "tim@me.com", "tim@me.com", minutes_ago=5)
    signed_with_old_key(other, "tim@icloud.com", "tim@icloud.com", minutes_ago=5)

    recompute(apps, None)

    assert set(Signature.objects.values_list("email_key", flat=True)) == {"tim@icloud.com"}
    assert not Signature.objects.exclude(review_flag="").exists()


def test_flagged_signatures_are_listed_for_the_petitions_organisers(client):
    from tests.organisers.factories import owner_of

    petition = open_petition()
    signed_with_old_key(petition, "alice.jones@proton.me", "alice.jones@proton.me", minutes_ago=9)
    later = signed_with_old_key(petition, "alicejones@pm.me", "alicejones@pm.me", minutes_ago=3)
    recompute(apps, None)
    client.force_login(owner_of(petition))

    page = client.get(f"/en/organisers/petitions/{petition.slug}/signatures/?state=flagged&emails=full")

    html = page.content.decode()
    assert page.status_code == 200
    assert "alicejones@pm.me" in html and "alice.jones@proton.me" not in html
    assert "Same mailbox as an earlier signature" in html
    assert f"signature-{later.pk}" in html
