"""Photos of cases and testimonies: storing their files and the workflows
that change them, each audited in the transaction of its change.

Nothing of an upload is kept but what core.uploads.read_image renders (WebP at
the widths the templates ask for, no metadata). Every variant is written to
the private storage (settings.STORAGES["private"]) and, while the photo is
published, copied to the public photo storage (STORAGES["photos"]), from
which cases.photo_views serves it on our own origin to anyone, as long as
the case is public too. Taking a photo down (consent withdrawn, edited,
unpublished, deleted) deletes its public copies once the change is
committed, so their URLs stop working even where the storage is served
directly. Names hold a hash of the content, so a URL never changes what it
shows and may be cached for a year.

Publishing follows the cases' two-person rule as figures do
(cases.models.ReviewedPublication): one case editor submits a photo, a
second approves it, and anyone may take it down at once, alone. An edit to
what the public reads of a photo (its alt text, caption, consent or
testimony) takes it back to "waiting for approval"."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.audit import record
from cases import audit_actions
from cases.models import Case, InvalidTransition, Photo, Testimony, Visibility
from core.uploads import ReencodedImage, UploadLimits, read_image

logger = logging.getLogger(__name__)

# What the public reads of a photo: changing any of it needs a new approval.
PUBLIC_FIELDS = ("consent", "alt", "caption", "testimony")
EDITABLE_FIELDS = ("consent", "source", "alt", "caption", "testimony")


def private_storage() -> Storage:
    return storages["private"]


def public_storage() -> Storage:
    return storages["photos"]


# --- Files ----------------------------------------------------------------------


def _write(storage: Storage, name: str, data: bytes) -> None:
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # A name is never reused (random key, content hash); a storage that
        # renamed the file would break its URL.
        storage.delete(saved)
        raise OSError(f"the storage renamed {name}")


def _delete_files(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("A photo file could not be deleted from %s", type(storage).__name__)


def _names(photo: Photo) -> list[str]:
    return [photo.file_name(width) for width in photo.widths]


def _copy_to_public(photo: Photo) -> None:
    private, public = private_storage(), public_storage()
    written = []
    try:
        for name in _names(photo):
            if public.exists(name):
                continue
            with private.open(name, "rb") as handle:
                _write(public, name, handle.read())
            written.append(name)
    except OSError as error:
        _delete_files(public, written)
        raise InvalidTransition(gettext("The photo's files could not be copied for publication: try again.")) from error


def _remove_public_copies_on_commit(photo: Photo) -> None:
    names = _names(photo)
    transaction.on_commit(lambda: _delete_files(public_storage(), names), robust=True)


# --- Workflows --------------------------------------------------------------------


def _audit(photo: Photo, *, by, action: str, reason: str = "", details: dict | None = None) -> None:
    record(
        by=by, action=action, target=photo, target_type="photo", reason=reason,
        details={"case": photo.case.reference, "photo": photo.key, **(details or {})},
    )  # fmt: skip


def _check_testimony(case: Case, testimony: Testimony | None) -> None:
    if testimony is not None and testimony.case_id != case.pk:
        raise ValidationError(gettext("That testimony is not this person's."), code="testimony")


def photo_add(
    *,
    case: Case,
    image: ReencodedImage | File,
    source: str,
    consent: str = Photo.Consent.INTERNAL,
    alt: str = "",
    caption: str = "",
    testimony: Testimony | None = None,
    by,
    now: datetime.datetime | None = None,
) -> Photo:
    """A new photo of `case` (or of its `testimony`), not public until a
    second case editor approves it. `image` is an upload, re-encoded here
    (ValidationError with a message for the person who sent it when it is
    refused), or an image core.uploads.read_image already made."""
    if not isinstance(image, ReencodedImage):
        image = read_image(image, limits=UploadLimits.organiser())
    _check_testimony(case, testimony)
    key = secrets.token_hex(12)
    variants = {
        str(width): f"{width}-{hashlib.sha256(data).hexdigest()[:20]}.webp" for width, data in image.variants.items()
    }
    photo = Photo(
        key=key, case=case, testimony=testimony, consent=consent, source=source, alt=alt, caption=caption,
        width=image.width, height=image.height, variants=variants, uploaded_by=by, uploaded_at=now or timezone.now(),
    )  # fmt: skip
    private = private_storage()
    written = []
    try:
        for width, data in image.variants.items():
            name = photo.file_name(width)
            _write(private, name, data)
            written.append(name)
        with transaction.atomic():
            photo.save()
            _audit(photo, by=by, action=audit_actions.PHOTO_ADD, details={"consent": consent})
    except BaseException:
        _delete_files(private, written)
        raise
    return photo


def _locked(photo: Photo) -> Photo:
    return Photo.objects.select_for_update().select_related("case").get(pk=photo.pk)


def _take_down(photo: Photo) -> None:
    """Hidden at once; the public copies go when the change is committed."""
    photo.unpublish()
    _remove_public_copies_on_commit(photo)


def photo_update(*, photo: Photo, by, changes: dict) -> Photo:
    """Change what editors may change (EDITABLE_FIELDS). Withdrawing consent
    takes a public photo down at once; other changes to what the public
    reads take it back to "waiting for approval", submitted by `by`, so a
    second person sees what they approve."""
    with transaction.atomic():
        photo = _locked(photo)
        changes = {name: value for name, value in changes.items() if name in EDITABLE_FIELDS}
        _check_testimony(photo.case, changes.get("testimony", photo.testimony))
        changed = [name for name, value in changes.items() if getattr(photo, name) != value]
        if not changed:
            return photo
        before = {name: str(getattr(photo, name) or "") for name in changed}
        reviewed = bool(set(changed) & set(PUBLIC_FIELDS))
        was_public, was_waiting = photo.visibility == Visibility.PUBLIC, photo.awaiting_approval
        if reviewed and was_public:
            _take_down(photo)
        for name in changed:
            setattr(photo, name, changes[name])
        if photo.testimony_id is not None:
            photo.portrait = False
        if reviewed and was_waiting:
            photo.submitted_by = photo.submitted_at = None
        photo.save()
        _audit(photo, by=by, action=audit_actions.PHOTO_EDIT, details={"fields": changed, "before": before})
        if reviewed and was_public:
            _audit(photo, by=by, action=audit_actions.PHOTO_UNPUBLISH, reason=gettext("Edited"))
        if reviewed and (was_public or was_waiting) and photo.consent == Photo.Consent.PUBLIC and photo.alt.strip():
            photo.submit_for_publication(by=by)
            _audit(photo, by=by, action=audit_actions.PHOTO_SUBMIT)
    return photo


def photo_submit(*, photo: Photo, by) -> Photo:
    with transaction.atomic():
        photo = _locked(photo)
        if photo.consent != Photo.Consent.PUBLIC:
            raise InvalidTransition(gettext("Only a photo the family allows to be shown publicly can be published."))
        if not photo.alt.strip():
            raise InvalidTransition(gettext("Describe the photo in its alt text before it can be public."))
        photo.submit_for_publication(by=by)
        _audit(photo, by=by, action=audit_actions.PHOTO_SUBMIT)
    return photo


def photo_approve(*, photo: Photo, by, shown: str) -> Photo:
    """The photo is published: its files are copied to the public storage."""
    with transaction.atomic():
        photo = _locked(photo)
        if photo.consent != Photo.Consent.PUBLIC or not photo.alt.strip():
            raise InvalidTransition(gettext("Only a photo with consent and alt text can be approved."))
        submitter = photo.submitted_by.get_username() if photo.submitted_by else ""
        photo.approve_publication(by=by, shown=shown)
        _copy_to_public(photo)
        _audit(photo, by=by, action=audit_actions.PHOTO_APPROVE, details={"submitted_by": submitter})
    return photo


def photo_unpublish(*, photo: Photo, by, reason: str = "") -> Photo:
    with transaction.atomic():
        photo = _locked(photo)
        _take_down(photo)
        _audit(photo, by=by, action=audit_actions.PHOTO_UNPUBLISH, reason=reason)
    return photo


def photo_choose_portrait(*, photo: Photo, by) -> Photo:
    """The photo shown on the person's card (where it is published). Only
    already-approved photos ever show, so choosing among them is one
    editor's call, audited."""
    with transaction.atomic():
        photo = _locked(photo)
        if photo.testimony_id is not None:
            raise InvalidTransition(gettext("A testimony's photo cannot be the person's portrait."))
        Case.objects.select_for_update().filter(pk=photo.case_id).first()
        photo.case.photos.filter(portrait=True).exclude(pk=photo.pk).update(portrait=False)
        photo.portrait = True
        photo.save(update_fields=["portrait", "updated_at"])
        _audit(photo, by=by, action=audit_actions.PHOTO_PORTRAIT)
    return photo


def photo_delete(*, photo: Photo, by, reason: str = "") -> None:
    """Gone with every file, once the deletion is committed."""
    with transaction.atomic():
        photo = _locked(photo)
        names = _names(photo)
        _audit(photo, by=by, action=audit_actions.PHOTO_DELETE, reason=reason, details={"alt": photo.alt})
        photo.delete()
        transaction.on_commit(lambda: _delete_files(public_storage(), names), robust=True)
        transaction.on_commit(lambda: _delete_files(private_storage(), names), robust=True)
