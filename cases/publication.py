"""Publishing a case or a figure takes two people, and every step is audited."""

from django.db import models, transaction
from django.utils.translation import gettext

from accounts.audit import record
from cases import audit_actions
from cases.models import Case, InvalidTransition, Statistic, Visibility
from cases.revisions import case_submit_content, publication_proposal, revision_approve


def _locked[M: models.Model](thing: M) -> M:
    return type(thing).objects.select_for_update().get(pk=thing.pk)  # type: ignore[attr-defined]  # every model locked here has `objects`


def case_submit(*, case: Case, by) -> Case:
    with transaction.atomic():
        case = _locked(case)
        case.submit_for_publication(by=by)
        case_submit_content(case=case, by=by)
        record(by=by, action=audit_actions.CASE_SUBMIT, target=case, target_type="case")
    return case


def case_approve(*, case: Case, by, shown: str) -> Case:
    """Publishes what was submitted, if it is what the reviewer was shown
    (cases.revisions.revision_approve)."""
    with transaction.atomic():
        case = _locked(case)
        proposal = publication_proposal(case)
        if proposal is None:
            raise InvalidTransition(Case.REFUSALS["not_submitted"])
        revision_approve(revision=proposal, by=by, shown=shown)
    case.refresh_from_db()
    return case


def case_unpublish(*, case: Case, by, reason: str = "") -> Case:
    with transaction.atomic():
        case = _locked(case)
        case.unpublish()
        record(by=by, action=audit_actions.CASE_UNPUBLISH, target=case, target_type="case", reason=reason)
    return case


def statistic_submit(*, statistic: Statistic, by) -> Statistic:
    with transaction.atomic():
        statistic = _locked(statistic)
        statistic.submit_for_publication(by=by)
        record(by=by, action=audit_actions.STATISTIC_SUBMIT, target=statistic, target_type="statistic")
    return statistic


def statistic_approve(*, statistic: Statistic, by, shown: str) -> Statistic:
    with transaction.atomic():
        statistic = _locked(statistic)
        submitter = statistic.submitted_by.get_username() if statistic.submitted_by else ""
        statistic.approve_publication(by=by, shown=shown)
        record(
            by=by, action=audit_actions.STATISTIC_APPROVE, target=statistic, target_type="statistic",
            details={"submitted_by": submitter, "label": statistic.label, "value": statistic.value},
        )  # fmt: skip
    return statistic


def statistic_unpublish(*, statistic: Statistic, by, reason: str = "") -> Statistic:
    with transaction.atomic():
        statistic = _locked(statistic)
        statistic.unpublish()
        record(
            by=by, action=audit_actions.STATISTIC_UNPUBLISH, target=statistic, target_type="statistic",
            reason=reason,
        )  # fmt: skip
    return statistic


def statistic_edit(*, statistic: Statistic, by, changes: dict) -> Statistic:
    """A figure not public takes the change at once; one waiting for
    approval goes back to unsubmitted, since its reviewer would otherwise
    approve a figure they never saw. A public figure is unpublished,
    corrected and submitted again."""
    with transaction.atomic():
        statistic = _locked(statistic)
        if statistic.visibility == Visibility.PUBLIC:
            raise InvalidTransition(
                gettext("A public figure is not edited: unpublish it, correct it, submit it again.")
            )
        for name, value in changes.items():
            setattr(statistic, name, value)
        statistic.submitted_by = statistic.submitted_at = None
        statistic.save()
    return statistic
