import pytest
from django.utils import translation

from accounts.models import AuditEntry
from petitions import audit_actions
from petitions.models import Petition, PetitionText
from tests.conftest import page_text
from tests.organisers.factories import closed_petition, moderator_of, open_petition, owner_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(db):
    return open_petition(title="Free the wives", story="They are held in camps.")


@pytest.fixture
def owner(client, petition):
    account = owner_of(petition)
    client.force_login(account)
    return account


def url(petition) -> str:
    return f"/en/organisers/petitions/{petition.slug}/translations/"


URDU = {"language": "ur", "title": "بیویوں کو رہا کرو", "summary": "", "story": "وہ کیمپوں میں قید ہیں۔"}


def test_an_owner_adds_a_translation_that_urdu_readers_then_see(client, petition, owner):
    response = client.post(url(petition), URDU, follow=True)

    assert "Translation saved." in page_text(response)
    assert AuditEntry.objects.filter(action=audit_actions.PETITION_EDIT, details__translation="ur").exists()
    client.logout()
    urdu = client.get(f"/ur/petitions/{petition.slug}/").content.decode()
    assert '<h1 class="h2" lang="ur" dir="auto">بیویوں کو رہا کرو</h1>' in urdu
    assert "وہ کیمپوں میں قید ہیں۔" in urdu
    russian = client.get(f"/ru/petitions/{petition.slug}/").content.decode()
    assert '<h1 class="h2" lang="en" dir="auto">Free the wives</h1>' in russian


def test_the_list_page_and_case_pages_use_the_translation_too(client, petition, owner):
    client.post(url(petition), URDU)
    client.logout()

    assert "بیویوں کو رہا کرو" in page_text(client.get("/ur/"))


def test_editing_loads_the_existing_translation_and_saving_empty_removes_it(client, petition, owner):
    client.post(url(petition), URDU)

    form = client.get(url(petition), {"language": "ur"}).content.decode()
    assert "بیویوں کو رہا کرو" in form

    response = client.post(url(petition), {"language": "ur", "title": "", "summary": "", "story": ""}, follow=True)
    assert "Translation removed." in page_text(response)
    assert not PetitionText.objects.exists()


def test_a_title_without_a_story_is_refused(client, petition, owner):
    response = client.post(url(petition), {**URDU, "story": ""})

    assert "needs both a title and a story" in page_text(response)
    assert not PetitionText.objects.exists()


def test_the_original_language_is_not_offered_and_is_refused(client, petition, owner):
    response = client.post(url(petition), {**URDU, "language": "en"})

    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert not PetitionText.objects.exists()


def test_a_closed_petitions_text_cannot_be_translated_after_the_fact(client):
    petition = closed_petition()
    client.force_login(owner_of(petition))

    response = client.post(url(petition), URDU, follow=True)

    assert "cannot be changed" in page_text(response)
    assert not PetitionText.objects.exists()


def test_moderators_cannot_translate(client, petition):
    client.force_login(moderator_of(petition))

    assert client.post(url(petition), URDU).status_code == 403
    assert not PetitionText.objects.exists()


def test_the_petition_list_needs_no_query_per_translation(client, django_assert_max_num_queries):
    for n in range(6):
        petition = open_petition()
        PetitionText.objects.create(petition=petition, language="ur", title=f"T{n}", story="S")
    with django_assert_max_num_queries(5):
        client.get("/ur/")
    assert Petition.objects.count() == 6


def test_a_signers_mail_has_the_title_in_their_language_and_reads_translations_only_for_them(
    send_on_commit, petition, django_assert_num_queries
):
    from django.core import mail

    from petitions.tasks import SignerMail, send_signer_mail
    from tests.petitions.factories import pending_signature

    PetitionText.objects.create(petition=petition, **URDU)
    urdu_reader = pending_signature(petition, email="urdu@example.org", language="ur")
    english_reader = pending_signature(petition, email="english@example.org", language="en")

    with django_assert_num_queries(2):  # the signature with its petition, then the translations
        send_signer_mail.call(signature_id=urdu_reader.pk, kind=SignerMail.CONFIRM)
    with django_assert_num_queries(1):  # the original's language: no translation read
        send_signer_mail.call(signature_id=english_reader.pk, kind=SignerMail.CONFIRM)

    urdu_mail, english_mail = mail.outbox
    assert "بیویوں کو رہا کرو" in urdu_mail.subject and "بیویوں کو رہا کرو" in urdu_mail.body
    assert "Free the wives" in english_mail.subject and "بیویوں" not in english_mail.body


def test_the_original_text_is_read_without_a_query(petition, django_assert_num_queries):
    PetitionText.objects.create(petition=petition, **URDU)
    fetched = Petition.objects.get(pk=petition.pk)

    with django_assert_num_queries(0):
        assert fetched.local.title == "Free the wives"
    with django_assert_num_queries(1), translation.override("ur"):
        assert fetched.local.title == "بیویوں کو رہا کرو"
