"""A case becomes public only when a second case editor approves it, and
every step is in the audit log."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEntry
from cases import audit_actions
from cases.models import Case, InvalidTransition, Visibility
from cases.publication import case_approve, case_submit, case_unpublish
from tests.cases.factories import draft_case, public_case, shown_for_publication
from tests.conftest import page_text
from tests.organisers.factories import case_editor, organiser_user, user

pytestmark = pytest.mark.django_db


def act(client, account, action: str, case: Case, **data):
    client.force_login(account)
    url = reverse(f"organisers:desk_case_{action}", kwargs={"reference": case.reference})
    return client.post(url, data, follow=True)


def test_one_editor_can_unpublish_at_once_and_republishing_needs_approval_again(client):
    alice, bilal = case_editor("alice"), case_editor("bilal")
    case = draft_case()
    case_submit(case=case, by=alice)
    case_approve(case=case, by=bilal, shown=shown_for_publication(case))

    page = act(client, alice, "unpublish", case, note="A relative is at risk")

    assert "no longer public" in page_text(page)
    case.refresh_from_db()
    assert case.visibility == Visibility.INTERNAL
    assert (case.submitted_by, case.approved_by, case.approved_at) == (None, None, None)
    client.logout()
    assert client.get(case.get_absolute_url()).status_code == 410
    assert AuditEntry.objects.filter(action=audit_actions.CASE_UNPUBLISH, actor=alice).exists()
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

    extra = {"shown": ""} if step is case_approve else {}
    with pytest.raises(InvalidTransition, match=message):
        step(case=case, by=user(), **extra)

    assert not AuditEntry.objects.exists()


def test_submitting_twice_is_refused():
    case = draft_case()
    case_submit(case=case, by=user())

    with pytest.raises(InvalidTransition, match="already waiting for approval"):
        case_submit(case=case, by=user())


def test_visibility_is_never_a_field_of_the_desk_form(client):
    alice = case_editor("alice")
    case = draft_case()
    client.force_login(alice)

    form = client.get(reverse("organisers:desk_case_edit", kwargs={"reference": case.reference})).content.decode()

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
    case = draft_case()
    client.force_login(organiser)

    response = client.post(reverse("organisers:desk_case_submit", kwargs={"reference": case.reference}))

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.submitted_at is None
