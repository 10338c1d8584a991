"""Writing the audit log. Call inside the transaction of the change recorded."""

from typing import Any

from django.db import models

from accounts.models import AuditEntry


def record(
    *,
    by,
    action: AuditEntry.Action,
    petition: models.Model | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target.pk
    return AuditEntry.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        actor_name=by.get_username() if by is not None and by.is_authenticated else "",
        action=action,
        petition=petition,
        target_type=target_type,
        target_id=str(target_id),
        reason=reason,
        details=details or {},
    )
