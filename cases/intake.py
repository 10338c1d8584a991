"""What families send, and what case editors do with it.

A submission (cases.models.Submission) arrives through a public form and
waits in the intake queue. Editors mark it a possible duplicate, turn it into
a draft case (which then goes through the usual two-person publication),
ask its sender for more, or close it. Every editor's step, and every reading
of a sender's contact details, is audited in the transaction of the change.
A request about a public case changes nothing public by itself.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import record
from cases import audit_actions
from cases.models import (
    Case,
    CaseIdentifier,
    CaseName,
    Event,
    InvalidTransition,
    Source,
    Submission,
    SubmissionFile,
    Testimony,
    Visibility,
    cases_with_identifier,
)
from cases.partial_dates import DatePrecision
from cases.search import search_cases
from cases.search_keys import key_words, name_search_key
from core.client_ip import ip_hash
from core.uploads import Upload, kept_file, save_pages, stored_names

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_FILES = 5
DUPLICATE_CANDIDATES = 20

TOO_MANY_FILES = _("Send at most five photos or documents.")


def submission_create(
    *,
    kind: str,
    fields: dict,
    uploads: list[Upload],
    ip_address: str | None,
    language: str,
    case: Case | None = None,
) -> Submission:
    """Keep what someone sent. A removal request is urgent: case editors are
    emailed at once (a link, never the sender's details)."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(TOO_MANY_FILES)
    written: list[str] = []
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                kind=kind,
                urgent=kind == Submission.Kind.REMOVAL,
                case=case,
                language=language,
                ip_hash=ip_hash(ip_address),
                **fields,
            )
            for upload in uploads:
                content, content_type = kept_file(upload)
                kept = SubmissionFile(submission=submission, content_type=content_type, size=len(content))
                if upload.image is not None:
                    kept.width = max(upload.image.variants)
                    kept.height = upload.image.height_at(kept.width)
                # kept_file names its file, and a saved file has the name it was stored under.
                kept.file.save(cast(str, content.name), content, save=False)
                written.append(cast(str, kept.file.name))
                kept.pages = save_pages(kept.file.storage, beside=cast(str, kept.file.name), pages=upload.pages)
                written += [page["name"] for page in kept.pages]
                kept.save()
            if submission.urgent:
                from cases.tasks import notify_removal_request

                transaction.on_commit(lambda: notify_removal_request.enqueue(submission_id=submission.pk))
    except BaseException:
        # Nothing is kept of a submission that was not: its files go too.
        storage = SubmissionFile._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise
    return submission


def duplicate_candidates(submission: Submission) -> list[Case]:
    """Cases that may be the person a submission is about: by the entry in
    another database the family gave (first, marked `same_entry`), and by
    every name given, through the public name search (near misses on
    PostgreSQL) and through every case's spellings (drafts too, which public
    search never knows)."""
    found: dict[int, Case | None] = {}
    same_entry = set()
    if submission.identifier_database and submission.identifier:
        same_entry = set(
            cases_with_identifier(
                submission.identifier_database,
                submission.identifier,
                database_name=submission.identifier_database_name,
            ).values_list("pk", flat=True)
        )
        found.update(dict.fromkeys(same_entry))
    for _script, text in submission.names:
        words = key_words(name_search_key(text))
        if not words:
            continue
        spelled = Q()
        for word in words:
            spelled &= Q(names__search_key__contains=word)
        matches = (
            search_cases(Case.objects.all(), text).values_list("pk", flat=True)[:DUPLICATE_CANDIDATES],
            Case.objects.filter(spelled).values_list("pk", flat=True).distinct()[:DUPLICATE_CANDIDATES],
        )
        for ids in matches:
            for pk in ids:
                found.setdefault(pk, None)
    if submission.case_id:
        found.pop(submission.case_id, None)
    cases = list(Case.objects.with_names().filter(pk__in=list(found)[:DUPLICATE_CANDIDATES]).order_by("reference"))
    for case in cases:
        case.same_entry = case.pk in same_entry
    return sorted(cases, key=lambda case: not case.same_entry)


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().get(pk=submission.pk)


def submission_mark_duplicate(*, submission: Submission, case: Case, by: User) -> Submission:
    with transaction.atomic():
        submission = _locked(submission)
        submission.mark_duplicate(of=case, by=by)
        record(
            by=by, action=audit_actions.SUBMISSION_DUPLICATE, target=submission,
            details={"case": case.reference},
        )  # fmt: skip
    return submission


def _unique_reference(submission: Submission) -> str:
    base = slugify(submission.name_latin)[:60] or "person"
    while True:
        reference = f"{base}-{secrets.token_hex(3)}"
        if not Case.objects.filter(reference=reference).exists():
            return reference


def _partial_date(year: int | None, month: int | None) -> tuple[datetime.date, str] | None:
    if not year:
        return None
    if month:
        return datetime.date(year, month, 1), DatePrecision.MONTH
    return datetime.date(year, 1, 1), DatePrecision.YEAR


def submission_convert(*, submission: Submission, by: User, now: datetime.datetime | None = None) -> Case:
    """A draft case prefilled from the submission: its names, hometown and
    dates, and a testimony carrying the family's consent. The family's own
    words are its source, never its text: they stay in the submission
    (sealed at rest) and an editor writes what the public may read, which
    the reviewer sees beside them. The draft is published only through the
    usual review by a second case editor."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission)
        if submission.kind != Submission.Kind.NEW_CASE:
            raise InvalidTransition(gettext("Only a submission about someone new can become a draft case."))
        if not submission.is_open:
            raise InvalidTransition(gettext("This submission is no longer open."))
        if not submission.names:
            raise InvalidTransition(gettext("A draft case needs a name: this submission gives none."))
        case = Case.objects.create(
            reference=_unique_reference(submission),
            visibility=Visibility.DRAFT,
            hometown_place=submission.hometown[:100],
            language=submission.language,
            internal_notes=gettext("From intake submission #%(pk)s (%(publication)s).")
            % {"pk": submission.pk, "publication": submission.get_publication_display()},
        )
        for index, (script, text) in enumerate(submission.names):
            CaseName.objects.create(case=case, text=text, script=script, preferred=index == 0)
        for kind, year, month in (
            (Event.Kind.DETAINED, submission.detained_year, submission.detained_month),
            (Event.Kind.LAST_CONTACT, submission.last_contact_year, submission.last_contact_month),
        ):
            date = _partial_date(year, month)
            if date is not None:
                Event.objects.create(case=case, kind=kind, date=date[0], date_precision=date[1])
        _add_identifier(case, submission)
        relationship = submission.relationship or Testimony.Relationship.FAMILY
        account = Source.objects.create(
            kind=Source.Kind.FAMILY,
            publisher=gettext("The family, through Plea's form"),
            title=gettext("Their account (intake submission #%(pk)s)") % {"pk": submission.pk},
            published_on=timezone.localdate(submission.created_at),
            internal_notes=gettext("Never published as it is: the words are in the submission."),
        )
        Testimony.objects.create(
            case=case,
            testifier_label=Testimony.Relationship(relationship).label,  # type: ignore[misc]  # a lazy label is stored as its text
            relationship=relationship,
            given_on=timezone.localdate(submission.created_at),
            collected_by="Plea",
            summary="",
            source=account,
            consent=Submission.TESTIMONY_CONSENT[submission.publication],  # type: ignore[index]  # the field holds Publication values
            internal_notes=gettext("The family asked for: %(publication)s.")
            % {"publication": submission.get_publication_display()},
        )
        _add_photos(case, submission, by=by)
        submission.mark_converted(draft=case, by=by, now=now)
        record(
            by=by, action=audit_actions.SUBMISSION_CONVERT, target=submission,
            details={"case": case.reference, "publication": submission.publication},
        )  # fmt: skip
    return case


def _add_photos(case: Case, submission: Submission, *, by: User) -> None:
    """The family's pictures become the draft's photos (the originals stay
    with the submission). Those they asked to publish wait, like any photo,
    for alt text and a second case editor's approval; the rest stay internal."""
    from cases.models import Photo
    from cases.photos import photo_add

    consent = Photo.Consent.PUBLIC if submission.publication == Submission.Publication.PHOTO else Photo.Consent.INTERNAL
    source = gettext("Sent by the family (intake submission #%(pk)s)") % {"pk": submission.pk}
    for attachment in submission.files.all():
        if not attachment.is_image:
            continue
        with attachment.file.open("rb") as image:
            photo_add(case=case, image=image, source=source, consent=consent, by=by)


def _add_identifier(case: Case, submission: Submission) -> None:
    """The family's entry in another database, on the draft, if it is well
    formed and no other case holds it (then the editor has a duplicate to
    look at, shown on the submission's page, and adds it by hand)."""
    if not (submission.identifier_database and submission.identifier):
        return
    value = submission.identifier.strip()
    is_url = value.lower().startswith(("https://", "http://"))
    identifier = CaseIdentifier(
        case=case,
        database=submission.identifier_database,
        database_name=submission.identifier_database_name,
        number="" if is_url else value.removeprefix("#")[:100],
        url=value if is_url else "",
    )
    try:
        identifier.full_clean()
        with transaction.atomic():
            identifier.save()
    except (ValidationError, IntegrityError):
        return


def submission_ask(*, submission: Submission, message: str, by: User) -> Submission:
    """Email the sender the editor's questions. The message is audited, the
    address never: the task reads it from the sealed field when it sends."""
    with transaction.atomic():
        submission = _locked(submission)
        submission.mark_waiting(by=by)
        record(by=by, action=audit_actions.SUBMISSION_ASK, target=submission, details={"message": message})
        from cases.tasks import send_information_request

        transaction.on_commit(lambda: send_information_request.enqueue(submission_id=submission.pk, message=message))
    return submission


def submission_close(*, submission: Submission, reason: str, note: str = "", by: User) -> Submission:
    with transaction.atomic():
        submission = _locked(submission)
        submission.close(reason=reason, note=note, by=by)
        record(
            by=by, action=audit_actions.SUBMISSION_CLOSE, target=submission, reason=note,
            details={"close_reason": reason},
        )  # fmt: skip
    return submission


def submissions_close(*, ids: list[int], reason: str, note: str = "", by: User) -> int:
    """Close every open submission among `ids` (junk in bulk), each as one
    close would; returns how many were closed."""
    closed = 0
    with transaction.atomic():
        for submission in Submission.objects.still_open().filter(pk__in=ids).select_for_update():
            submission_close(submission=submission, reason=reason, note=note, by=by)
            closed += 1
    return closed


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    other: str


def submission_contact_read(*, submission: Submission, by: User) -> Contact:
    """The sender's contact details, opened and audited (who, when, which)."""
    with transaction.atomic():
        record(by=by, action=audit_actions.SUBMISSION_CONTACT, target=submission)
    return Contact(name=submission.contact_name, email=submission.contact_email, other=submission.contact_other)


def closed_submissions_erase(*, now: datetime.datetime | None = None, days: int) -> int:
    """Delete submissions closed more than `days` ago, and their files.
    Submissions turned into cases stay: the draft's testimony came from them.
    Returns how many were erased."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    with transaction.atomic():
        expired = Submission.objects.filter(state=Submission.State.CLOSED, handled_at__lt=cutoff)
        kept = SubmissionFile.objects.filter(submission__in=expired).values_list("file", "pages")
        files = [name for file, pages in kept for name in stored_names(file, pages)]
        erased = expired.count()
        expired.delete()
        storage = SubmissionFile._meta.get_field("file").storage

        def delete() -> None:
            for name in files:
                storage.delete(name)

        transaction.on_commit(delete)
    return erased
