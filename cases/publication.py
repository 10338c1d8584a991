"""Publishing a case or a figure takes two people, and every step is audited."""

from django.db import models, transaction

from accounts.audit import record
from cases import audit_actions
from cases.models import Case, Statistic
from cases.revisions import record_publication


def _locked[M: models.Model](thing: M) -> M:
    return type(thing).objects.select_for_update().get(pk=thing.pk)


def case_submit(*, case: Case, by) -> Case:
    with transaction.atomic():
        case = _locked(case)
        case.submit_for_publication(by=by)
        record(by=by, action=audit_actions.CASE_SUBMIT, target=case, target_type="case")
    return case


def case_approve(*, case: Case, by) -> Case:
    with transaction.atomic():
        case = _locked(case)
        submitter = case.submitted_by.get_username() if case.submitted_by else ""
        case.approve_publication(by=by)
        record(
            by=by, action=audit_actions.CASE_APPROVE, target=case, target_type="case",
            details={"submitted_by": submitter},
        )  # fmt: skip
        record(by=by, action=audit_actions.CASE_PUBLISH, target=case, target_type="case")
        record_publication(case=case)
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


def statistic_approve(*, statistic: Statistic, by) -> Statistic:
    with transaction.atomic():
        statistic = _locked(statistic)
        submitter = statistic.submitted_by.get_username() if statistic.submitted_by else ""
        statistic.approve_publication(by=by)
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
