"""Moderators see masked signer addresses; owners open full ones, audited."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from petitions import audit_actions
from petitions.email_keys import masked_email
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("amina@gmail.com", "a•••@gmail.com"),
        ("x@example.org", "x•••@example.org"),
        ("Ayşe.Kaya+tag@mail.test", "A•••@mail.test"),
        ("", ""),
    ],
)
def test_masked_email(email, masked):
    assert masked_email(email) == masked


def test_moderators_see_names_and_masked_addresses_only(client):
    petition = f.open_petition()
    f.confirmed_signature(petition, full_name="Gulnar Omarova", email="gulnar.omarova@gmail.com", wants_updates=True)
    client.force_login(f.moderator_of(petition))
    url = reverse("organisers:signatures", kwargs={"slug": petition.slug})
    for query in ({}, {"emails": "full"}):
        page = client.get(url, query)
        assert "Gulnar Omarova" in page.text
        assert "gulnar.omarova@gmail.com" not in page.text
        assert "g•••@gmail.com" in page.text
    assert not AuditEntry.objects.filter(action=audit_actions.VIEW_EMAILS).exists()


def test_owners_open_full_addresses_and_each_page_is_audited(client):
    petition = f.open_petition()
    f.confirmed_signature(petition, email="gulnar.omarova@gmail.com", wants_updates=True)
    owner = f.owner_of(petition)
    client.force_login(owner)
    url = reverse("organisers:signatures", kwargs={"slug": petition.slug})
    masked = client.get(url)
    assert "gulnar.omarova@gmail.com" not in masked.text
    assert "Show full addresses" in masked.text
    assert not AuditEntry.objects.filter(action=audit_actions.VIEW_EMAILS).exists()
    full = client.get(url, {"emails": "full"})
    assert "gulnar.omarova@gmail.com" in full.text
    client.get(url, {"emails": "full", "page": "1"})
    entries = AuditEntry.objects.about(petition).filter(action=audit_actions.VIEW_EMAILS, actor=owner)
    assert entries.count() == 2
    assert entries.first().details == {"page": 1, "count": 1}


def test_a_confirmed_signer_who_wanted_no_updates_has_no_address_left_to_show(client):
    petition = f.open_petition()
    f.confirmed_signature(petition, full_name="Gulnar Omarova", email="gulnar.omarova@gmail.com")
    client.force_login(f.owner_of(petition))

    page = client.get(reverse("organisers:signatures", kwargs={"slug": petition.slug}), {"emails": "full"})

    assert "Gulnar Omarova" in page.text
    assert "gulnar.omarova" not in page.text and "g•••" not in page.text
    assert "•••@gmail.com" in page.text, "the domain stays while it is a fraud signal"
