"""Audit actions are registered by the app that records them, with their
labels; the stored column has no choices, so a new action needs no migration."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import audit
from accounts.audit_registry import AuditActionRegistry, DuplicateAuditAction, UnknownAuditAction, audit_actions
from accounts.models import AuditEntry
from petitions import audit_actions as petition_actions
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """The site's registry, restored after the test whatever it registered."""
    monkeypatch.setattr(audit_actions, "_labels", dict(audit_actions._labels))
    return audit_actions


def test_a_registered_action_shows_its_label_in_the_petition_history(client, registry):
    petition = f.open_petition()
    owner = f.owner_of(petition)
    registry.register("petition.rehearse", "Rehearsed the hand-over")
    audit.record(by=owner, action="petition.rehearse", subject=petition)
    client.force_login(owner)

    page = client.get(reverse("organisers:audit", kwargs={"slug": petition.slug}))

    assert "Rehearsed the hand-over" in page.text


def test_each_app_registers_its_own_actions_under_the_codes_stored_before():
    assert petition_actions.PETITION_OPEN == "petition.open"
    assert audit_actions.label("petition.open") == "Opened the petition"
    assert audit_actions.label("case.approve") == "Approved a case"
    assert audit_actions.label("two_factor.verify") == "Confirmed a sign-in with a second factor"


def test_a_stored_action_nobody_registers_any_more_shows_its_code(client):
    AuditEntry.objects.create(actor_name="someone", action="petition.retired_action")
    client.force_login(f.user(staff=True))

    page = client.get(reverse("organisers:audit_all"))

    assert page.status_code == 200
    assert "petition.retired_action" in page.text


def test_registering_a_code_twice_is_an_error(registry):
    with pytest.raises(DuplicateAuditAction):
        registry.register(petition_actions.PETITION_OPEN, "Opened it again")
    fresh = AuditActionRegistry()
    fresh.register("thing.do", "Did a thing")
    with pytest.raises(DuplicateAuditAction):
        fresh.register("thing.do", "Did a thing")


def test_an_unregistered_action_is_refused_when_recorded():
    with pytest.raises(UnknownAuditAction):
        audit.record(by=f.user(), action="petition.opne")
    assert not AuditEntry.objects.exists()


def test_a_new_action_needs_no_migration(registry):
    registry.register("petition.archive", "Archived the petition")

    call_command("makemigrations", check=True, dry_run=True, verbosity=0)  # exits 1 on a missing migration


def test_the_admin_filters_the_log_by_label(client):
    petition = f.open_petition()
    audit.record(by=f.user(), action=petition_actions.PETITION_OPEN, subject=petition, reason="opened")
    audit.record(by=f.user(), action=petition_actions.PETITION_CLOSE, subject=petition, reason="closed")
    client.force_login(f.user(staff=True))

    page = client.get("/en/admin/accounts/auditentry/", {"action": "petition.close"})

    assert "Closed the petition" in page.text
    assert "Opened the petition" in page.text  # offered in the filter
    assert page.context["cl"].result_count == 1
