"""Publishing a case takes two people, and every step is audited."""

from django.db import transaction

from accounts.audit import record
from accounts.models import AuditEntry
from cases.models import Case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def case_submit(*, case: Case, by) -> Case:
    with transaction.atomic():
        case = _locked(case)
        case.submit_for_publication(by=by)
        record(by=by, action=AuditEntry.Action.CASE_SUBMIT, target=case, target_type="case")
    return case


def case_approve(*, case: Case, by) -> Case:
    with transaction.atomic():
        case = _locked(case)
        submitter = case.submitted_by.get_username() if case.submitted_by else ""
        case.approve_publication(by=by)
        record(
            by=by, action=AuditEntry.Action.CASE_APPROVE, target=case, target_type="case",
            details={"submitted_by": submitter},
        )  # fmt: skip
        record(by=by, action=AuditEntry.Action.CASE_PUBLISH, target=case, target_type="case")
    return case


def case_unpublish(*, case: Case, by, reason: str = "") -> Case:
    with transaction.atomic():
        case = _locked(case)
        case.unpublish()
        record(by=by, action=AuditEntry.Action.CASE_UNPUBLISH, target=case, target_type="case", reason=reason)
    return case
