"""Who may read a testifier's contact details, and the audit of every reading.

The details are encrypted at rest (cases.models.TestifierContact); once
decrypted for a page, that page is a reading: case editors only, each one
in the audit log with who, when and whose contact."""

from accounts.audit import record
from accounts.roles import is_case_editor
from cases import audit_actions
from cases.models import TestifierContact


def may_read_contacts(user) -> bool:
    return is_case_editor(user)


def _details(contact: TestifierContact) -> dict:
    return {"testimony": contact.testimony_id, "case": contact.testimony.case.reference}


def contact_read(*, by, contact: TestifierContact) -> None:
    record(by=by, action=audit_actions.CONTACT_VIEW, target=contact, details=_details(contact))


def contact_changed(*, by, contact: TestifierContact, fields: list[str]) -> None:
    # The names of the changed fields only: the log must not hold the values.
    record(by=by, action=audit_actions.CONTACT_CHANGE, target=contact, details={**_details(contact), "fields": fields})
