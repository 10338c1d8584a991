"""A case becomes public only when a second case editor approves it, and
every step is in the audit log."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from cases.models import Case, InvalidTransition, Visibility
from cases.publication import case_approve, case_submit, case_unpublish
from tests.cases.factories import draft_case, public_case, shown_for_publication
from tests.conftest import page_text
from tests.organisers.factories import case_editor, organiser_user, user

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/cases/case/"


def admin_editor(name: str):
    return case_editor(name)


def act(client, account, action: str, case: Case):
    client.force_login(account)
    return client.post(CHANGELIST, {"action": action, "_selected_action": [case.pk]}, follow=True)


def test_two_editors_publish_a_case_through_the_admin(client):
    alice, bilal = admin_editor("alice"), admin_editor("bilal")
    case = draft_case(name="Kali Maolai")

    submitted = act(client, alice, "submit_for_publication", case)
    assert "another case editor must approve it" in page_text(submitted)
    assert client.get(case.get_absolute_url()).status_code == 404

    own = act(client, alice, "approve_publication", case)
    assert "you cannot approve your own" in page_text(own)
    case.refresh_from_db()
    assert case.visibility == Visibility.DRAFT

    approved = act(client, bilal, "approve_publication", case)
    assert "approved and public" in page_text(approved)
    case.refresh_from_db()
    assert (case.visibility, case.submitted_by, case.approved_by) == (Visibility.PUBLIC, alice, bilal)
    client.logout()
    assert "Kali Maolai" in page_text(client.get(case.get_absolute_url()))

    trail = list(
        AuditEntry.objects.filter(target_type="case", target_id=str(case.pk))
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert trail == [
        (AuditEntry.Action.CASE_SUBMIT, alice.pk),
        (AuditEntry.Action.CASE_APPROVE, bilal.pk),
        (AuditEntry.Action.CASE_PUBLISH, bilal.pk),
    ]


def test_one_editor_can_unpublish_at_once_and_republishing_needs_approval_again(client):
    alice, bilal = admin_editor("alice"), admin_editor("bilal")
    case = draft_case()
    case_submit(case=case, by=alice)
    case_approve(case=case, by=bilal, shown=shown_for_publication(case))

    page = act(client, alice, "unpublish", case)

    assert "no longer public" in page_text(page)
    case.refresh_from_db()
    assert case.visibility == Visibility.INTERNAL
    assert (case.submitted_by, case.approved_by, case.approved_at) == (None, None, None)
    client.logout()
    assert client.get(case.get_absolute_url()).status_code == 410
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_UNPUBLISH, actor=alice).exists()
    with pytest.raises(InvalidTransition):
        case_approve(case=case, by=bilal, shown=shown_for_publication(case))


@pytest.mark.parametrize(
    ("make", "step", "message"),
    [
        (draft_case, case_approve, "Only a case submitted for publication can be approved."),
        (public_case, case_submit, "This case is already public."),
        (draft_case, case_unpublish, "Only a public case can be unpublished."),
    ],
)
def test_steps_from_the_wrong_state_are_refused_and_not_audited(make, step, message):
    case = make()

    with pytest.raises(InvalidTransition, match=message):
        step(case=case, by=user())

    assert not AuditEntry.objects.exists()


def test_submitting_twice_is_refused():
    case = draft_case()
    case_submit(case=case, by=user())

    with pytest.raises(InvalidTransition, match="already waiting for approval"):
        case_submit(case=case, by=user())


def test_visibility_cannot_be_set_to_public_in_the_change_form(client):
    alice = admin_editor("alice")
    case = draft_case()
    client.force_login(alice)

    form = client.get(f"{CHANGELIST}{case.pk}/change/").content.decode()

    assert 'name="visibility"' not in form


def test_the_database_refuses_a_public_case_nobody_approved():
    case = draft_case()

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(visibility=Visibility.PUBLIC)


def test_the_database_refuses_self_approval():
    alice = user()
    case = draft_case()

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(submitted_by=alice, approved_by=alice, approved_at=case.created_at)


def test_organisers_who_are_not_case_editors_cannot_publish(client):
    organiser = organiser_user("olga")
    organiser.is_staff = False
    organiser.save()
    case = draft_case()
    client.force_login(organiser)

    response = client.post(CHANGELIST, {"action": "submit_for_publication", "_selected_action": [case.pk]})

    assert response.status_code == 302  # to the admin login: no admin access at all
    case.refresh_from_db()
    assert case.submitted_at is None
