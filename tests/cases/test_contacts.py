"""Testifiers' contacts: encrypted at rest (a raw SELECT or a dump shows no
plain text), readable by case editors only, every reading audited, and keys
rotated without losing one."""

import html

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from accounts.models import AuditEntry
from cases import audit_actions
from cases.models import TestifierContact as Contact
from core.encryption import TOKEN_PREFIX, DecryptionFailed
from tests.cases.admin_forms import admin_form_data
from tests.cases.factories import add_testimony, draft_case
from tests.conftest import page_text
from tests.organisers.factories import case_editor, organiser_user

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
CONTACT = {
    "phone": "+92 355 Zqphone",
    "email": "zqwife@example.org",
    "messenger": "@zqmessenger",
    "address": "Zqstreet 4, Gilgit",
    "notes": "Call after 8pm Zqnotes",
}


def raw_row(contact: Contact) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, email, messenger, address, notes FROM cases_testifiercontact WHERE id = %s", [contact.pk]
        )
        return cursor.fetchone()


@pytest.fixture
def contact():
    testimony = add_testimony(draft_case(reference="kali-maolai"), testifier_label="his wife")
    return Contact.objects.create(testimony=testimony, **CONTACT)


def test_a_raw_select_shows_no_plain_text(contact):
    stored = raw_row(contact)

    assert all(value.startswith(TOKEN_PREFIX) for value in stored)
    for plain in CONTACT.values():
        assert not any(plain in value for value in stored)
    contact = Contact.objects.get(pk=contact.pk)
    assert {name: getattr(contact, name) for name in CONTACT} == CONTACT


def test_empty_fields_stay_empty_and_are_not_searchable(contact):
    bare = Contact.objects.create(testimony=add_testimony(draft_case()), phone="+1 555")
    assert raw_row(bare)[1:] == ("", "", "", "")
    assert list(Contact.objects.filter(email="")) == [bare]
    with pytest.raises(Exception, match="Unsupported lookup 'icontains'"):
        list(Contact.objects.filter(phone__icontains="555"))


def test_rotation_reseals_under_the_new_key_and_the_old_can_go(contact, capsys):
    with override_settings(PLEA_ENCRYPTION_KEYS=[OLD]):
        contact.save()
        sealed_with_old = raw_row(contact)
    with override_settings(PLEA_ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("rotate_encryption_keys")
        call_command("rotate_encryption_keys", "--check")
    assert "cases_testifiercontact.phone: 1 values re-sealed" in capsys.readouterr().out
    assert raw_row(contact) != sealed_with_old
    with override_settings(PLEA_ENCRYPTION_KEYS=[NEW]):
        assert Contact.objects.get(pk=contact.pk).address == CONTACT["address"]
    with override_settings(PLEA_ENCRYPTION_KEYS=[OLD]), pytest.raises(DecryptionFailed):
        Contact.objects.get(pk=contact.pk)


def test_a_case_editor_reads_the_contact_and_each_reading_is_audited(client, contact):
    alice = case_editor("alice")
    client.force_login(alice)
    url = reverse("admin:cases_testimony_change", args=[contact.testimony_id])

    for _ in range(2):
        page = html.unescape(client.get(url).content.decode())
        assert "+92 355 Zqphone" in page and "Zqstreet 4, Gilgit" in page

    readings = AuditEntry.objects.filter(action=audit_actions.CONTACT_VIEW)
    assert readings.count() == 2
    assert {(entry.actor_id, entry.target_type, entry.details["case"]) for entry in readings} == {
        (alice.pk, "testifiercontact", "kali-maolai")
    }


def test_a_change_is_audited_by_field_name_never_by_value(client, contact):
    client.force_login(case_editor("alice"))
    url = reverse("admin:cases_testimony_change", args=[contact.testimony_id])
    data = admin_form_data(client.get(url)) | {"contact-0-phone": "+92 355 Zqnewphone"}

    assert client.post(url, data).status_code == 302

    assert Contact.objects.get(pk=contact.pk).phone == "+92 355 Zqnewphone"
    change = AuditEntry.objects.get(action=audit_actions.CONTACT_CHANGE)
    assert change.details["fields"] == ["phone"]
    assert "Zq" not in str(change.details)


def test_a_bad_email_is_refused_with_the_contact_kept(client, contact):
    client.force_login(case_editor("alice"))
    url = reverse("admin:cases_testimony_change", args=[contact.testimony_id])
    data = admin_form_data(client.get(url)) | {"contact-0-email": "not an address", "contact-0-phone": "+1 2"}

    answer = client.post(url, data)

    assert answer.status_code == 200
    assert "Enter a valid email address." in page_text(answer)
    assert Contact.objects.get(pk=contact.pk).phone == CONTACT["phone"]


def test_someone_with_testimony_access_who_is_not_a_case_editor_never_sees_a_contact(client, contact):
    clerk = organiser_user("clerk")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_testimony", "change_testimony"]))
    client.force_login(clerk)

    page = client.get(reverse("admin:cases_testimony_change", args=[contact.testimony_id]))

    assert page.status_code == 200
    for plain in CONTACT.values():
        assert plain not in html.unescape(page.content.decode())
    assert not AuditEntry.objects.filter(action=audit_actions.CONTACT_VIEW).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, contact):
    page = client.get(reverse("admin:cases_testimony_change", args=[contact.testimony_id]))
    assert page.status_code == 302
    assert CONTACT["phone"] not in page.content.decode()
