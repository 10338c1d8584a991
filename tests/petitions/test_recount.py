import pytest
from django.core.management import CommandError, call_command

from tests.petitions.factories import confirmed_signature, open_petition, pending_signature

pytestmark = pytest.mark.django_db


def test_recount_reports_exact_counts(petition, capsys):
    confirmed_signature(petition)
    call_command("recount", "--check")

    assert "All counts are exact." in capsys.readouterr().out


def test_recount_finds_and_repairs_a_drifted_count(capsys):
    petition, other = open_petition(), open_petition()
    confirmed_signature(petition)
    confirmed_signature(petition)
    pending_signature(petition)
    confirmed_signature(other)
    type(petition).objects.filter(pk=petition.pk).update(signature_count=57)

    with pytest.raises(CommandError):
        call_command("recount", "--check")
    petition.refresh_from_db()
    assert petition.signature_count == 57, "--check must not change anything"

    call_command("recount")

    petition.refresh_from_db()
    other.refresh_from_db()
    assert (petition.signature_count, other.signature_count) == (2, 1)
    assert f"{petition.slug}: stored 57, confirmed signatures 2" in capsys.readouterr().out


def test_recount_repairs_a_petition_whose_signatures_all_went(capsys):
    petition = open_petition()
    type(petition).objects.filter(pk=petition.pk).update(signature_count=3)

    call_command("recount")

    petition.refresh_from_db()
    assert petition.signature_count == 0
