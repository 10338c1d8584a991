"""What families send through the public forms."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import IntegerField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.identifiers import CaseIdentifier
from cases.models.people import Case, CaseName
from cases.models.publication import InvalidTransition
from cases.models.testimonies import Testimony
from core.encryption import EncryptedTextField


def _private_storage():
    # By name, as petitions.uploads configures it: cases imports no petitions code.
    from django.core.files.storage import storages

    return storages["private"]


class SubmissionQuerySet(models.QuerySet):
    def still_open(self) -> SubmissionQuerySet:
        return self.filter(state__in=Submission.OPEN_STATES)

    def queue_order(self) -> SubmissionQuerySet:
        """Open removal requests first, then newest: a flood of junk cannot
        push a family's request to be taken down out of sight."""
        urgent_open = Q(urgent=True, state__in=Submission.OPEN_STATES)
        return self.alias(
            first=models.Case(models.When(urgent_open, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("first", "-created_at", "-pk")

    def with_contact(self) -> SubmissionQuerySet:
        # Sealed columns compare only with "": an empty one means "not given".
        return self.filter(~Q(contact_email="") | ~Q(contact_other=""))

    def without_contact(self) -> SubmissionQuerySet:
        return self.filter(contact_email="", contact_other="")


class Submission(models.Model):
    """What someone sent through a public form: a person to document
    ("Tell us about someone"), or a correction or removal request about a
    public case. Never public. Case editors handle it in the intake queue;
    nothing here changes a case by itself."""

    class Kind(models.TextChoices):
        NEW_CASE = "case", _("Someone to document")
        CORRECTION = "correction", _("Correction request")
        REMOVAL = "removal", _("Removal request")

    class State(models.TextChoices):
        NEW = "new", _("New")
        DUPLICATE = "duplicate", _("Possible duplicate")
        WAITING = "waiting", _("Asked for more information")
        CONVERTED = "converted", _("Turned into a draft case")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (State.NEW, State.DUPLICATE, State.WAITING)

    class Publication(models.TextChoices):
        NOTHING = "nothing", _("Nothing: this is for the organisers only")
        ANONYMOUS = "anonymous", _("An anonymous summary, without names")
        NAMED = "named", _("Their name and story")
        PHOTO = "photo", _("Their name and story, with a photo")

    class CloseReason(models.TextChoices):
        JUNK = "junk", _("Junk or abuse")
        DUPLICATE = "duplicate", _("Already documented")
        WITHDRAWN = "withdrawn", _("Withdrawn by the person who sent it")
        HANDLED = "handled", _("Handled: the case was corrected or the request answered")
        NO_REPLY = "no_reply", _("No reply to our questions")
        OTHER = "other", _("Other")

    # The consent a draft case's testimony carries for each wish.
    TESTIMONY_CONSENT = {
        Publication.NOTHING: Testimony.Consent.INTERNAL,
        Publication.ANONYMOUS: Testimony.Consent.ANONYMOUS,
        Publication.NAMED: Testimony.Consent.NAMED,
        Publication.PHOTO: Testimony.Consent.NAMED,
    }
    # Spellings by script, as a draft case's names take them.
    NAME_FIELDS = {
        "name_latin": CaseName.Script.LATIN,
        "name_arabic": CaseName.Script.ARABIC,
        "name_cyrillic": CaseName.Script.CYRILLIC,
        "name_chinese": CaseName.Script.CHINESE,
    }

    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.NEW_CASE)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.NEW)
    urgent = models.BooleanField(_("urgent"), default=False)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests",
        verbose_name=_("case the request is about"),
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("possible duplicate of"),
    )  # fmt: skip
    draft = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("draft case")
    )
    language = models.CharField(_("language of the form"), max_length=16, choices=settings.LANGUAGES)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    name_arabic = models.CharField(_("name in Arabic script"), max_length=200, blank=True)
    name_cyrillic = models.CharField(_("name in Cyrillic"), max_length=200, blank=True)
    name_chinese = models.CharField(_("name in Chinese characters"), max_length=200, blank=True)
    relationship = models.CharField(
        _("relationship of the sender"), max_length=16, choices=Testimony.Relationship, blank=True
    )
    hometown = models.CharField(_("hometown"), max_length=200, blank=True)
    # The person's entry in another database, if the family knows one: the
    # surest sign of someone already documented (cases_with_identifier).
    identifier_database = models.CharField(
        _("other database"), max_length=16, choices=CaseIdentifier.Database, blank=True
    )
    identifier_database_name = models.CharField(_("name of the other database"), max_length=200, blank=True)
    identifier = models.CharField(_("entry number or web address"), max_length=500, blank=True)
    detained_year = models.PositiveSmallIntegerField(_("year taken"), null=True, blank=True)
    detained_month = models.PositiveSmallIntegerField(_("month taken"), null=True, blank=True)
    last_contact_year = models.PositiveSmallIntegerField(_("year of last contact"), null=True, blank=True)
    last_contact_month = models.PositiveSmallIntegerField(_("month of last contact"), null=True, blank=True)
    # What happened (or, for a request, what is wrong and why), and how to
    # reach the sender: sealed at rest (core.encryption).
    account = EncryptedTextField(_("what they told us"), blank=True)
    publication = models.CharField(
        _("what the family wants published"), max_length=16, choices=Publication, default=Publication.NOTHING
    )
    contact_name = EncryptedTextField(_("sender's name"), blank=True)
    contact_email = EncryptedTextField(_("sender's email"), blank=True)
    contact_other = EncryptedTextField(_("sender's phone or messaging account"), blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("last handled by"),
    )  # fmt: skip
    handled_at = models.DateTimeField(_("last handled"), null=True, blank=True)
    close_reason = models.CharField(_("why it was closed"), max_length=16, choices=CloseReason, blank=True)
    editor_note = models.TextField(_("editors' note"), max_length=2_000, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "urgent", "created_at"], name="submission_queue")]

    def __str__(self) -> str:
        return gettext("Submission #%(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def names(self) -> list[tuple[str, str]]:
        """(script, spelling) of every name given."""
        return [(script, getattr(self, field)) for field, script in self.NAME_FIELDS.items() if getattr(self, field)]

    @property
    def labelled_names(self) -> list[tuple[str, str]]:
        return [(CaseName.Script(script).label, text) for script, text in self.names]

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_other)

    @property
    def title(self) -> str:
        if self.kind != self.Kind.NEW_CASE and self.case_id:
            return str(self.case)
        return " / ".join(text for _script, text in self.names) or gettext("No name given")

    def _handled(self, *, by, state: str, now: datetime.datetime | None, fields: list[str]) -> None:
        if not self.is_open:
            raise InvalidTransition(gettext("This submission is no longer open."))
        self.state, self.handled_by, self.handled_at = state, by, now or timezone.now()
        self.save(update_fields=["state", "handled_by", "handled_at", *fields])

    def mark_duplicate(self, *, of: Case, by, now: datetime.datetime | None = None) -> None:
        self.duplicate_of = of
        self._handled(by=by, state=self.State.DUPLICATE, now=now, fields=["duplicate_of"])

    def mark_waiting(self, *, by, now: datetime.datetime | None = None) -> None:
        if not self.contact_email:
            raise InvalidTransition(gettext("The sender gave no email address: there is no one to ask."))
        self._handled(by=by, state=self.State.WAITING, now=now, fields=[])

    def mark_converted(self, *, draft: Case, by, now: datetime.datetime | None = None) -> None:
        if self.kind != self.Kind.NEW_CASE:
            raise InvalidTransition(gettext("Only a submission about someone new can become a draft case."))
        self.draft = draft
        self._handled(by=by, state=self.State.CONVERTED, now=now, fields=["draft"])

    def close(self, *, reason: str, note: str = "", by, now: datetime.datetime | None = None) -> None:
        self.close_reason, self.editor_note = reason, note
        self._handled(by=by, state=self.State.CLOSED, now=now, fields=["close_reason", "editor_note"])


def _submission_file_path(instance: SubmissionFile, filename: str) -> str:
    # The name the sender's device gave the file can say who they are: a fresh one.
    import uuid

    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"submissions/{uuid.uuid4().hex}.{suffix}"


class SubmissionFile(models.Model):
    """A photo or document sent with a submission: kept in the private
    storage and served only to case editors. Converting the submission into
    a draft case copies its pictures into the draft's photos (cases.intake)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_submission_file_path, storage=_private_storage, max_length=200)
    content_type = models.CharField(max_length=40, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    # A PDF is kept sealed; editors see its pages drawn as pictures
    # (core.uploads.save_pages: name, width, height of each).
    pages = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("file sent with a submission")
        verbose_name_plural = _("files sent with submissions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
