"""Writing the audit log. Call inside the transaction of the change recorded.

`target` is what was acted on; `subject` the record whose history the entry
belongs to (a petition), shown on that record's history page."""

from typing import Any, cast

from django.db import models

from accounts.audit_registry import UnknownAuditAction, audit_actions
from accounts.models import AuditEntry, subject_type_of


def record(
    *,
    by,
    action: str,
    subject: models.Model | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    if action not in audit_actions:
        raise UnknownAuditAction(f"No app registered the audit action {action!r} (accounts.audit_registry).")
    if target is not None:
        # Set on every concrete model; the stubs allow None.
        target_type = target_type or cast(str, target._meta.model_name)
        target_id = target.pk
    return AuditEntry.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        actor_name=by.get_username() if by is not None and by.is_authenticated else "",
        action=action,
        subject_type=subject_type_of(subject) if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        target_type=target_type,
        target_id=str(target_id),
        reason=reason,
        details=details or {},
    )
