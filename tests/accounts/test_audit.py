import pytest
from django.urls import reverse

from accounts import audit
from accounts.models import AppendOnly, AuditEntry
from cases import audit_actions as case_actions
from petitions import audit_actions as petition_actions
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted():
    petition = f.open_petition()
    entry = audit.record(by=f.user(), action=petition_actions.PETITION_OPEN, subject=petition, target=petition)
    entry.reason = "rewritten"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == ""


def test_a_case_approval_can_be_recorded_without_a_petition():
    editor = f.case_editor()
    entry = audit.record(
        by=editor, action=case_actions.CASE_APPROVE, target_type="case", target_id=42, reason="Sources checked"
    )
    assert (entry.subject_type, entry.subject_id, entry.target_type, entry.target_id, entry.actor_name) == (
        "",
        "",
        "case",
        "42",
        editor.username,
    )


def test_owners_see_their_petitions_log_and_nothing_else(client):
    mine, theirs = f.open_petition(), f.open_petition()
    owner = f.owner_of(mine)
    other_owner = f.owner_of(theirs)
    audit.record(by=owner, action=petition_actions.PETITION_EDIT, subject=mine, reason="typo in my petition")
    audit.record(by=other_owner, action=petition_actions.PETITION_EDIT, subject=theirs, reason="their secret")
    client.force_login(owner)
    page = client.get(reverse("organisers:audit", kwargs={"slug": mine.slug}))
    assert "typo in my petition" in page.text
    assert "their secret" not in page.text
    assert list(AuditEntry.objects.visible_to(owner).values_list("reason", flat=True)) == ["typo in my petition"]
    assert not AuditEntry.objects.visible_to(f.moderator_of(mine)).exists()


def test_staff_see_the_whole_log(client):
    petition = f.open_petition()
    audit.record(by=f.user(), action=petition_actions.PETITION_OPEN, subject=petition, reason="one")
    audit.record(by=f.user(), action=case_actions.CASE_PUBLISH, target_type="case", target_id=1, reason="two")
    client.force_login(f.user(staff=True))
    page = client.get(reverse("organisers:audit_all"))
    assert "one" in page.text and "two" in page.text


def test_every_workflow_writes_who_what_and_why(client):
    petition = f.open_petition()
    owner = f.owner_of(petition)
    signature = f.confirmed_signature(petition)
    client.force_login(owner)
    slug = petition.slug
    client.post(
        reverse("organisers:signature_action", kwargs={"slug": slug, "pk": signature.pk, "action": "hide"}),
        {"note": "abusive"},
    )
    client.get(reverse("organisers:export_signatures", kwargs={"slug": slug}))
    client.post(
        reverse("organisers:organisers", kwargs={"slug": slug}), {"email": f.user("newmod").email, "role": "moderator"}
    )
    client.post(reverse("organisers:petition_close", kwargs={"slug": slug}), {"note": "delivered"})
    log = list(AuditEntry.objects.order_by("pk").values_list("action", "actor", "reason"))
    assert log == [
        ("signature.hide", owner.pk, "abusive"),
        ("export.signatures", owner.pk, ""),
        ("invitation.create", owner.pk, ""),
        ("petition.close", owner.pk, "delivered"),
    ]
    page = client.get(reverse("organisers:audit", kwargs={"slug": slug}))
    assert "Hid a signer" in page.text and "delivered" in page.text


@pytest.mark.parametrize("model", ["petitions/signature", "accounts/auditentry"])
def test_signatures_and_the_audit_log_are_read_only_in_the_admin_even_for_superusers(client, model):
    from tests.organisers.factories import user

    client.force_login(user(staff=True))

    assert client.get(f"/en/admin/{model}/").status_code == 200
    assert client.get(f"/en/admin/{model}/add/").status_code == 403
    assert b'name="action"' not in client.get(f"/en/admin/{model}/").content  # no delete action
