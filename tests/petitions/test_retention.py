from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from petitions.models import Signature
from petitions.retention import signer_data_wipe
from tests.conftest import page_text
from tests.petitions.factories import (
    closed_petition,
    confirmed_signature,
    invalidated_signature,
    open_petition,
    pending_signature,
)

pytestmark = pytest.mark.django_db


def closed_days_ago(days: int, **fields):
    petition = closed_petition(**fields)
    type(petition).objects.filter(pk=petition.pk).update(closed_at=timezone.now() - timedelta(days=days))
    petition.refresh_from_db()
    return petition


def test_personal_data_goes_after_the_retention_period_but_the_count_stays(client):
    petition = closed_days_ago(91)
    kept = confirmed_signature(petition, full_name="Amina Yusuf", show_publicly=True, reason="Free them", ip_hash="abc")
    pending_signature(petition, email="never-confirmed@example.org")
    petition.refresh_from_db()

    report = signer_data_wipe()

    kept.refresh_from_db()
    petition.refresh_from_db()
    assert (report.signatures_wiped, report.unconfirmed_deleted) == (1, 1)
    assert (kept.full_name, kept.email, kept.email_key, kept.reason, kept.ip_hash) == ("", "", None, "", "")
    assert kept.state == Signature.State.CONFIRMED
    assert petition.signature_count == 1 == Signature.objects.filter(petition=petition).counted().count()
    text = page_text(client.get(petition.get_absolute_url()))
    assert "1 person signed this petition." in text
    assert "Amina Yusuf" not in text


def test_recent_and_open_petitions_keep_their_signers():
    recent = closed_days_ago(10)
    running = open_petition(closes_at=timezone.now() + timedelta(days=5))
    for petition in (recent, running):
        confirmed_signature(petition, full_name="Still Here")

    assert signer_data_wipe().signatures_wiped == 0
    assert Signature.objects.filter(full_name="Still Here").count() == 2


def test_a_petition_that_closed_by_its_date_is_wiped_too():
    petition = open_petition()
    confirmed_signature(petition, full_name="Dated")
    type(petition).objects.filter(pk=petition.pk).update(closes_at=timezone.now() - timedelta(days=100))

    assert signer_data_wipe().signatures_wiped == 1


def test_tombstones_go_with_the_signers_data_and_only_after_the_retention_period():
    from petitions import signing
    from petitions.models import SignatureTombstone

    old, running = closed_days_ago(91), open_petition()
    for petition in (old, running):
        SignatureTombstone.objects.create(petition=petition, key_hash=signing.tombstone_hash("mallory@example.org"))

    signer_data_wipe()

    assert list(SignatureTombstone.objects.values_list("petition_id", flat=True)) == [running.pk]


def test_the_command_is_idempotent_and_takes_a_period(capsys):
    petition = closed_days_ago(5)
    confirmed_signature(petition)

    call_command("wipe_signer_data", "--days", "3")
    call_command("wipe_signer_data", "--days", "3")

    output = capsys.readouterr().out
    assert "1 signature(s) wiped" in output
    assert "0 signature(s) wiped" in output


def test_every_personal_field_goes_as_withdrawal_erases_them():
    petition = closed_days_ago(91)
    kept = confirmed_signature(petition, show_publicly=True, reason="Free them", wants_updates=True)
    invalid = invalidated_signature(petition, show_publicly=True)

    assert signer_data_wipe().signatures_wiped == 2

    for signature in (kept, invalid):
        signature.refresh_from_db()
        assert {name: getattr(signature, name) for name in Signature.PERSONAL_FIELDS} == {
            **Signature.PERSONAL_FIELDS,
            "country": signature.country,  # a CountryField reads back as an object
        }
        assert (signature.country.code, signature.email_domain, signature.show_publicly) == ("", "", False)
    assert kept.state == Signature.State.CONFIRMED


def test_a_victory_without_a_closing_date_is_wiped_too():
    petition = open_petition()
    confirmed_signature(petition, full_name="Won Long Ago")
    petition.declare_victory(note="They were released.", now=timezone.now() - timedelta(days=100))

    assert signer_data_wipe().signatures_wiped == 1
    assert not Signature.objects.filter(full_name="Won Long Ago").exists()


def test_a_recent_victory_keeps_its_signers():
    petition = open_petition()
    confirmed_signature(petition, full_name="Won Last Week")
    petition.declare_victory(note="They were released.", now=timezone.now() - timedelta(days=7))

    assert signer_data_wipe().signatures_wiped == 0


def test_fraud_signals_go_after_the_review_window_on_a_petition_still_open(client, settings):
    settings.PLEA_FRAUD_REVIEW_DAYS = 30
    petition = open_petition()
    now = timezone.now()
    old = confirmed_signature(petition, email="old@smallngo.example", ip_hash="b" * 64)
    Signature.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    recent = confirmed_signature(petition, email="new@smallngo.example", ip_hash="c" * 64)

    report = signer_data_wipe(now=now)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert report.fraud_signals_cleared == 1
    assert (old.ip_hash, old.email_domain) == ("", "")
    assert old.state == Signature.State.CONFIRMED and old.full_name, "only the signals go"
    assert (recent.ip_hash, recent.email_domain) == ("c" * 64, "smallngo.example")
    assert signer_data_wipe(now=now).fraud_signals_cleared == 0


def test_the_signature_list_says_when_signals_were_cleared(client, settings):
    from tests.organisers.factories import moderator_of

    settings.PLEA_FRAUD_REVIEW_DAYS = 30
    petition = open_petition()
    old = confirmed_signature(petition, full_name="Old Signer")
    signed = timezone.now() - timedelta(days=40)
    Signature.objects.filter(pk=old.pk).update(created_at=signed)
    signer_data_wipe()
    client.force_login(moderator_of(petition))

    page = client.get(f"/en/organisers/petitions/{petition.slug}/signatures/")
    signals = client.get(f"/en/organisers/petitions/{petition.slug}/signals/")

    cleared = (signed + timedelta(days=30)).date().isoformat()
    assert f"network and domain cleared {cleared}" in page_text(page)
    assert "kept for 30 days after it was signed" in page_text(signals)
