"""Paper signatures: batches gathered at vigils, mosques and meetings.

Only owners record, change or delete a batch (the views check it); each
change moves the petition's paper total and appends to its transparency log
in the same transaction, and writes an audit entry with the values before and
after. The online count is never
touched here.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import audit
from core.uploads import stored_names
from petitions import audit_actions, counting, transparency
from petitions.models import PaperBatch, Petition
from petitions.uploads import Document, attach

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What an owner may change on a batch, in the order the audit entry lists them.
BATCH_FIELDS = ("count", "gathered_on", "place", "collected_by", "note")


class RecordRefused(Exception):
    """A paper batch, delivery or response that cannot be recorded; the message says why."""


def check_day(*, petition: Petition, day: datetime.date, now: datetime.datetime | None = None) -> None:
    """A day something happened on the petition: not in the future, not before it opened."""
    if petition.status not in Petition.PUBLISHED_STATES:
        raise RecordRefused(_("Open the petition first: a draft has nothing to gather, deliver or answer."))
    today = timezone.localdate(now or timezone.now())
    if day > today:
        raise RecordRefused(_("The date cannot be in the future."))
    opened = timezone.localdate(petition.opened_at or petition.created_at)
    if day < opened:
        raise RecordRefused(
            _("The date cannot be before the petition opened (%(date)s).") % {"date": date_format(opened)}
        )


def _check_gathered(*, petition: Petition, count: int, gathered_on: datetime.date, now) -> None:
    if not 1 <= count <= PaperBatch.MAX_COUNT:
        raise RecordRefused(_("A batch holds between 1 and 10,000,000 signatures."))
    check_day(petition=petition, day=gathered_on, now=now)
    until = petition.paper_accepted_until()
    if until is not None and gathered_on > until:
        raise RecordRefused(
            _("This petition closed on %(date)s: only signatures gathered by then can be added.")
            % {"date": date_format(until)}
        )


def _values(batch: PaperBatch) -> dict[str, str | int]:
    values = {name: getattr(batch, name) for name in BATCH_FIELDS}
    values["gathered_on"] = batch.gathered_on.isoformat()
    values["scan"] = bool(batch.document)
    return values


def paper_batch_record(
    *,
    by: User,
    petition: Petition,
    count: int,
    gathered_on: datetime.date,
    place: str,
    collected_by: str,
    note: str = "",
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> PaperBatch:
    now = now or timezone.now()
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=petition.pk)
        _check_gathered(petition=petition, count=count, gathered_on=gathered_on, now=now)
        batch = PaperBatch(
            petition=petition,
            count=count,
            gathered_on=gathered_on,
            place=place,
            collected_by=collected_by,
            note=note,
            recorded_by=by,
            recorded_at=now,
        )
        attach(batch, document)
        batch.save()
        counting.record_paper_change(petition_id=petition.pk, delta=count, now=now)
        transparency.record_paper(batch=batch)
        audit.record(by=by, action=audit_actions.PAPER_RECORD, subject=petition, target=batch, details=_values(batch))
        petition.forget_cached_page()
    return batch


def paper_batch_edit(
    *,
    by: User,
    batch: PaperBatch,
    fields: dict,
    reason: str,
    document: Document | None = None,
    remove_document: bool = False,
    now: datetime.datetime | None = None,
) -> list[str]:
    """Change a batch; returns the names of what changed (the scan as "scan")."""
    if not reason.strip():
        raise RecordRefused(_("Say why the batch changes: the reason goes in the audit log."))
    now = now or timezone.now()
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=batch.petition_id)
        batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        before = _values(batch)
        old_count = batch.count
        changed = [name for name in BATCH_FIELDS if name in fields and getattr(batch, name) != fields[name]]
        for name in changed:
            setattr(batch, name, fields[name])
        _check_gathered(petition=petition, count=batch.count, gathered_on=batch.gathered_on, now=now)
        old_files = stored_names(batch.document.name, batch.document_pages)
        if document is not None:
            attach(batch, document)
            changed.append("scan")
        elif remove_document and old_files:
            batch.document, batch.document_type, batch.document_pages = "", "", []
            changed.append("scan")
        if not changed:
            return []
        batch.save()
        if batch.count != old_count:
            counting.record_paper_change(petition_id=petition.pk, delta=batch.count - old_count, now=now)
        if batch.count != old_count or "scan" in changed:  # what the log says of it changed
            transparency.record_unpaper(petition_id=petition.pk, batch_id=batch.pk)
            transparency.record_paper(batch=batch)
        after = _values(batch)
        audit.record(
            by=by,
            action=audit_actions.PAPER_EDIT,
            subject=petition,
            target=batch,
            reason=reason,
            details={"changed": changed, "before": before, "after": after},
        )
        petition.forget_cached_page()
        if "scan" in changed and old_files:
            _delete_files_on_commit(batch, old_files)
    return changed


def paper_batch_delete(*, by: User, batch: PaperBatch, reason: str, now: datetime.datetime | None = None) -> None:
    if not reason.strip():
        raise RecordRefused(_("Say why the batch is deleted: the reason goes in the audit log."))
    now = now or timezone.now()
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=batch.petition_id)
        batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        before = _values(batch)
        audit.record(
            by=by,
            action=audit_actions.PAPER_DELETE,
            subject=petition,
            target=batch,
            reason=reason,
            details={"before": before},
        )
        counting.record_paper_change(petition_id=petition.pk, delta=-batch.count, now=now)
        transparency.record_unpaper(petition_id=petition.pk, batch_id=batch.pk)
        old_files = stored_names(batch.document.name, batch.document_pages)
        batch.delete()
        petition.forget_cached_page()
        if old_files:
            _delete_files_on_commit(batch, old_files)


def _delete_files_on_commit(batch: PaperBatch, names: list[str]) -> None:
    storage = batch.document.storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
