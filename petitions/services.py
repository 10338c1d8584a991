"""Organisers' workflows on petitions: create, edit, lifecycle, organisers,
updates, translations. Each runs in a transaction, takes the acting user as `by` and
writes an audit entry; mail goes out on commit."""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import audit
from petitions import audit_actions
from petitions.models import InvalidTransition, Organiser, Petition, PetitionText, PetitionUpdate
from petitions.tasks import send_update_batch

# Fields an owner may change, and the ones that make up the public text.
PETITION_FIELDS = ("title", "summary", "addressed_to", "organiser_name", "story", "language", "goal", "closes_at")
TEXT_FIELDS = ("title", "summary", "addressed_to", "organiser_name", "story")


if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = AbstractBaseUser


class ActionRefused(Exception):
    """The workflow does not apply; the message says why, for the organiser."""


SLUG_SUFFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l to misread


def unique_slug(title: str) -> str:
    """The title as a web address; on a collision, a random suffix. Not
    `-2`: a counter would tell an organiser how many petitions, drafts
    included, already share the title, and let them guess the drafts' addresses."""
    base = slugify(title)[:70] or "petition"
    slug = base
    while Petition.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(6, SLUG_SUFFIX_ALPHABET)}"
    return slug


def petition_create(*, by: User, fields: dict, slug: str = "", now: datetime.datetime | None = None) -> Petition:
    """A draft petition, with its creator as owner."""
    now = now or timezone.now()
    with transaction.atomic():
        petition = Petition.objects.create(
            slug=slug or unique_slug(fields["title"]),
            status=Petition.Status.DRAFT,
            created_at=now,
            **{name: fields[name] for name in PETITION_FIELDS if name in fields},
        )
        Organiser.objects.create(petition=petition, user=by, role=Organiser.Role.OWNER, added_at=now)
        audit.record(by=by, action=audit_actions.PETITION_CREATE, subject=petition, target=petition)
    return petition


def _as_stored(value: Any) -> Any:
    """Browsers send a textarea's line breaks as CRLF; text is stored with LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _same(stored: Any, submitted: Any) -> bool:
    """Whether a submitted value leaves the stored one as it was. The form
    shows dates to the minute, so a closing date sent back unchanged has lost
    its seconds: that is not a change."""
    if isinstance(stored, datetime.datetime) and isinstance(submitted, datetime.datetime):
        return stored.replace(second=0, microsecond=0) == submitted.replace(second=0, microsecond=0)
    return stored == submitted


def petition_edit(
    *, by: User, petition: Petition, fields: dict, reason: str = "", now: datetime.datetime | None = None
) -> list[str]:
    """Change what an owner may change; returns the names of changed fields."""
    if petition.status not in Petition.EDITABLE_STATES:
        raise ActionRefused(_("A closed petition's text is part of the record and cannot be changed."))
    now = now or timezone.now()
    wanted = {name: _as_stored(fields[name]) for name in PETITION_FIELDS if name in fields}
    changed = [name for name, value in wanted.items() if not _same(getattr(petition, name), value)]
    if not changed:
        return []
    with transaction.atomic():
        before = {name: str(getattr(petition, name)) for name in changed}
        for name in changed:
            setattr(petition, name, wanted[name])
        update_fields = list(changed)
        if any(name in TEXT_FIELDS for name in changed):
            petition.text_changed_at = now
            update_fields.append("text_changed_at")
        petition.save(update_fields=update_fields)
        audit.record(
            by=by,
            action=audit_actions.PETITION_EDIT,
            subject=petition,
            target=petition,
            reason=reason,
            details={"changed": changed, "before": before},
        )
    return changed


def _transition(*, by: User, petition: Petition, action: str, reason: str, change) -> None:
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        before = locked.status
        try:
            change(locked)
        except InvalidTransition as error:
            raise ActionRefused(str(error)) from error
        audit.record(
            by=by,
            action=action,
            subject=locked,
            target=locked,
            reason=reason,
            details={"from": before, "to": locked.status},
        )
    petition.refresh_from_db()


def petition_open(*, by: User, petition: Petition, now: datetime.datetime | None = None) -> None:
    if petition.closes_at and petition.closes_at <= (now or timezone.now()):
        raise ActionRefused(_("The closing date has passed. Set a later one before opening."))
    _transition(
        by=by, petition=petition, action=audit_actions.PETITION_OPEN, reason="", change=lambda p: p.open(now=now)
    )


def petition_close(*, by: User, petition: Petition, reason: str = "", now: datetime.datetime | None = None) -> None:
    _transition(
        by=by,
        petition=petition,
        action=audit_actions.PETITION_CLOSE,
        reason=reason,
        change=lambda p: p.close(now=now),
    )


def petition_declare_victory(*, by: User, petition: Petition, note: str, now: datetime.datetime | None = None) -> None:
    _transition(
        by=by,
        petition=petition,
        action=audit_actions.PETITION_VICTORY,
        reason=note,
        change=lambda p: p.declare_victory(note=note, now=now),
    )


def organiser_remove(*, by: User, petition: Petition, organiser: Organiser) -> None:
    if organiser.petition_id != petition.pk:
        raise ActionRefused(_("That person does not organise this petition."))
    with transaction.atomic():
        # Lock the petition row: two owners removing each other at once
        # queue here, and the second sees the first's removal. (A locking
        # read of the owner rows would not: COUNT takes no row locks.)
        Petition.objects.select_for_update().filter(pk=petition.pk).values_list("pk", flat=True).get()
        if not Organiser.objects.filter(pk=organiser.pk).exists():
            raise ActionRefused(_("That person does not organise this petition."))
        owners = Organiser.objects.filter(petition=petition, role=Organiser.Role.OWNER)
        if organiser.role == Organiser.Role.OWNER and owners.count() <= 1:
            raise ActionRefused(_("A petition needs at least one owner. Add another owner first."))
        audit.record(
            by=by,
            action=audit_actions.ORGANISER_REMOVE,
            subject=petition,
            target=organiser,
            details={"user": organiser.user.get_username(), "role": organiser.role},
        )
        organiser.delete()


def update_post(
    *, by: User, petition: Petition, title: str, body: str, now: datetime.datetime | None = None
) -> PetitionUpdate:
    """Post news on a published petition; signers who opted in get it by email."""
    if petition.status not in Petition.PUBLISHED_STATES:
        raise ActionRefused(_("Open the petition before posting updates: nobody can see or sign a draft."))
    now = now or timezone.now()
    with transaction.atomic():
        update = PetitionUpdate.objects.create(petition=petition, title=title, body=body, posted_by=by, posted_at=now)
        petition.forget_cached_page()
        audit.record(by=by, action=audit_actions.UPDATE_POST, subject=petition, target=update, details={"title": title})
        transaction.on_commit(lambda: send_update_batch.enqueue(update_id=update.pk))
    return update


def petition_text_save(*, by: User, petition: Petition, language: str, fields: dict[str, str]) -> PetitionText | None:
    """Add, change or (with an empty title and story) remove the petition's
    text in one language. Returns the translation, or None if removed."""
    if petition.status not in Petition.EDITABLE_STATES:
        raise ActionRefused(_("A closed petition's text is part of the record and cannot be changed."))
    if language == petition.language:
        raise ActionRefused(_("This is the language the petition is written in: edit the petition itself."))
    with transaction.atomic():
        petition.forget_cached_page()
        existing = PetitionText.objects.filter(petition=petition, language=language).first()
        if not fields.get("title") and not fields.get("story"):
            if existing is not None:
                existing.delete()
                audit.record(
                    by=by, action=audit_actions.PETITION_EDIT, subject=petition, target=petition,
                    details={"translation_removed": language},
                )  # fmt: skip
            return None
        text, _created = PetitionText.objects.update_or_create(petition=petition, language=language, defaults=fields)
        audit.record(
            by=by, action=audit_actions.PETITION_EDIT, subject=petition, target=petition,
            details={"translation": language, "changed": sorted(fields)},
        )  # fmt: skip
    return text


def export_recipient_set(*, by: User, petition: Petition, key: str) -> None:
    """Register (or, with "", remove) the age key that address exports are encrypted to."""
    with transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(export_recipient=key)
        audit.record(
            by=by,
            action=audit_actions.PETITION_EDIT,
            subject=petition,
            target=petition,
            details={"export_recipient": key},
        )
