import importlib.util
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from petitions import transparency
from petitions.management.commands import load_demo
from petitions.models import Organiser, Petition
from tests.conftest import page_text
from tests.petitions.factories import confirmed_signature

pytestmark = pytest.mark.django_db

SLUG = "free-uyghur-wives-of-gilgit-baltistan-traders"


@pytest.fixture(autouse=True)
def password_file(tmp_path, monkeypatch):
    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / ".demo-organiser")
    return tmp_path / ".demo-organiser"


def test_the_seed_petition_with_no_signatures_reads_as_the_seed_says(client):
    fixtures = settings.BASE_DIR / "fixtures"
    call_command("loaddata", fixtures / "cases.json", fixtures / "petitions.json", verbosity=0)

    petition = Petition.objects.get(slug=SLUG)
    assert "0 have signed. Let's get to 100!" in page_text(client.get(petition.get_absolute_url()))


def test_the_demo_petition_reads_as_the_seed_says_with_its_demo_signers_counted(client):
    call_command("load_demo")

    petition = Petition.objects.get(slug=SLUG)
    counted = petition.signatures.counted().count()
    assert petition.signature_count == counted > 0
    text = page_text(client.get(petition.get_absolute_url()))
    assert f"{counted} have signed. Let's get to 100!" in text
    assert "Young Activists Movement (YAM)" in text
    assert "at least 50 Uyghur women" in text
    assert "DW News" in text
    assert "Daily Mail" in text


def test_the_demo_accounts_get_random_passwords_and_the_roles_to_try_every_flow(password_file, capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    passwords = json.loads(password_file.read_text())

    organiser = get_user_model().objects.get(username="demo-organiser")
    staff = get_user_model().objects.get(username="demo-staff")
    for account in (organiser, staff):
        password = passwords[account.username]
        assert f"username {account.username}  password {password}" in output
        assert len(password) >= 12
        assert account.check_password(password)
    assert passwords["demo-organiser"] != passwords["demo-staff"]
    assert Organiser.objects.filter(user=organiser, petition__slug=SLUG, role=Organiser.Role.OWNER).exists()
    assert set(organiser.groups.values_list("name", flat=True)) == {"Organisers", "Case editors"}
    assert (organiser.is_superuser, staff.is_superuser) == (False, True)


def test_loading_twice_changes_nothing_and_keeps_signatures_counted(password_file):
    call_command("load_demo")
    petition = Petition.objects.get(slug=SLUG)
    demo_count = petition.signature_count
    confirmed_signature(petition)
    password = password_file.read_text()

    call_command("load_demo")

    petition.refresh_from_db()
    assert petition.signature_count == demo_count + 1
    assert Petition.objects.count() == 1
    assert get_user_model().objects.filter(username="demo-organiser").count() == 1
    assert password_file.read_text() == password
    organiser_password = json.loads(password)["demo-organiser"]
    assert get_user_model().objects.get(username="demo-organiser").check_password(organiser_password)


def test_two_installations_get_different_passwords(tmp_path, monkeypatch, password_file):
    call_command("load_demo")
    first = password_file.read_text()
    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "other")
    call_command("load_demo")

    assert (tmp_path / "other").read_text() != first


def test_the_demo_invents_no_paper_signatures_deliveries_or_responses_and_keeps_those_tried():
    from petitions.models import Delivery, OfficialResponse, PaperBatch
    from petitions.paper import paper_batch_record

    call_command("load_demo")
    petition = Petition.objects.get(slug=SLUG)
    assert petition.paper_signature_count == 0
    assert not (PaperBatch.objects.exists() or Delivery.objects.exists() or OfficialResponse.objects.exists())

    owner = get_user_model().objects.get(username=load_demo.DEMO_USERNAME)
    paper_batch_record(
        by=owner, petition=petition, count=25, gathered_on=timezone.localdate(), place="Vigil", collected_by="Me"
    )
    call_command("load_demo")

    petition.refresh_from_db()
    assert petition.paper_signature_count == 25


@pytest.mark.django_db(transaction=True)
def test_the_demo_petitions_log_verifies_offline_from_the_running_demo(live_server, capsys):
    call_command("load_demo")
    call_command("log_checkpoints")
    petition = Petition.objects.get(slug=SLUG)
    spec = importlib.util.spec_from_file_location("verify_log", settings.BASE_DIR / "scripts" / "verify_log.py")
    verify_log = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(verify_log)

    status = verify_log.main(
        [
            f"{live_server.url}/petition-logs/{petition.pk}/",
            "--key",
            transparency.signer().verifier.vkey,
            "--count",
            str(petition.total_signature_count),
        ]
    )

    assert status == 0, capsys.readouterr().err
    assert f"count: {petition.total_signature_count} " in capsys.readouterr().out
    call_command("load_demo")  # loading it again changes nothing in the log
    assert transparency.make_checkpoint(petition_id=petition.pk) is None


def test_the_demo_spam_waits_for_an_organiser_and_no_visitor_sees_it(client):
    call_command("load_demo")

    petition = Petition.objects.get(slug=SLUG)
    assert "buy cheap watches" not in page_text(client.get(petition.get_absolute_url()))
    spam = petition.signatures.filter(reason="buy cheap watches")
    assert spam.count() == 2 and all(signature.hidden for signature in spam)
    owner = get_user_model().objects.get(username=load_demo.DEMO_USERNAME)
    client.force_login(owner)
    listing = page_text(client.get(f"/en/organisers/petitions/{SLUG}/signatures/"))
    assert "buy cheap watches" in listing
