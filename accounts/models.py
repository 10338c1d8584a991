from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import OWNER, PetitionRole


class AppendOnly(Exception):
    """The audit log is only ever added to."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")

    def visible_to(self, user) -> AuditQuerySet:
        """Staff see everything; owners see what happened on their petitions."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:  # site staff (accounts.roles.is_site_staff)
            return self.all()
        owned = user.petition_roles.filter(role=OWNER).values("petition_id")
        return self.filter(petition__in=owned)

    def newest(self) -> AuditQuerySet:
        return self.order_by("-at", "-pk")


class AuditEntry(models.Model):
    """Who did what, when and why. Written by every organiser workflow in the
    same transaction as the change it records, so a change and its record
    stand or fall together. Other apps (case approval) write here too: give
    them a target_type of their own and, where it applies, no petition."""

    class Action(models.TextChoices):
        SIGNATURE_HIDE = "signature.hide", _("Hid a signer's name and reason")
        SIGNATURE_UNHIDE = "signature.unhide", _("Restored a signer's name and reason")
        SIGNATURE_APPROVE = "signature.approve", _("Reviewed a public comment")
        SIGNATURE_INVALIDATE = "signature.invalidate", _("Invalidated a signature")
        SIGNATURE_REINSTATE = "signature.reinstate", _("Reinstated a signature")
        SIGNATURE_RESEND = "signature.resend", _("Re-sent a confirmation email")
        PETITION_CREATE = "petition.create", _("Created the petition")
        PETITION_EDIT = "petition.edit", _("Edited the petition")
        PETITION_OPEN = "petition.open", _("Opened the petition")
        PETITION_CLOSE = "petition.close", _("Closed the petition")
        PETITION_VICTORY = "petition.victory", _("Declared a victory")
        UPDATE_POST = "update.post", _("Posted an update")
        EXPORT_SIGNATURES = "export.signatures", _("Exported the signatures")
        EXPORT_EMAILS = "export.emails", _("Exported the emails of signers who want updates")
        VIEW_EMAILS = "signatures.view_emails", _("Viewed signers' full email addresses")
        LOOKUP_EMAIL = "signatures.lookup_email", _("Searched the signatures for an exact email address")
        ORGANISER_ADD = "organiser.add", _("Added an organiser")
        ORGANISER_REMOVE = "organiser.remove", _("Removed an organiser")
        INVITATION_CREATE = "invitation.create", _("Invited someone")
        INVITATION_ACCEPT = "invitation.accept", _("Accepted an invitation")
        PAPER_RECORD = "paper.record", _("Recorded paper signatures")
        PAPER_EDIT = "paper.edit", _("Changed a batch of paper signatures")
        PAPER_DELETE = "paper.delete", _("Deleted a batch of paper signatures")
        PAPER_SCAN = "paper.scan", _("Opened the scan of a paper batch")
        DELIVERY_RECORD = "delivery.record", _("Recorded a delivery")
        DELIVERY_PACK = "delivery.pack", _("Opened the delivery pack")
        RESPONSE_RECORD = "response.record", _("Recorded a response")
        VICTORY_LINK = "petition.victory_link", _("Said what marks the victory")
        # For the cases app: written by its publish and approval workflows.
        CASE_SUBMIT = "case.submit", _("Submitted a case for approval")
        CASE_APPROVE = "case.approve", _("Approved a case")
        CASE_PUBLISH = "case.publish", _("Published a case")
        CASE_UNPUBLISH = "case.unpublish", _("Unpublished a case")
        # Changes to a public case, reviewed by a second person (cases.revisions).
        CASE_REVISION_PROPOSE = "case.revision.propose", _("Proposed a change to a public case")
        CASE_REVISION_RESTORE = "case.revision.restore", _("Proposed restoring an earlier version of a case")
        CASE_REVISION_APPROVE = "case.revision.approve", _("Approved a change to a public case")
        CASE_REVISION_REJECT = "case.revision.reject", _("Rejected a change to a public case")
        STATISTIC_SUBMIT = "statistic.submit", _("Submitted a figure for approval")
        STATISTIC_APPROVE = "statistic.approve", _("Approved and published a figure")
        STATISTIC_UNPUBLISH = "statistic.unpublish", _("Unpublished a figure")
        # Second factors (accounts.two_factor).
        SECOND_FACTOR = "two_factor.verify", _("Confirmed a sign-in with a second factor")
        RECOVERY_CODE_USE = "two_factor.recovery_code", _("Used a recovery code")
        RECOVERY_CODES_NEW = "two_factor.recovery_codes", _("Made new recovery codes")
        SECOND_FACTOR_ADD = "two_factor.add", _("Added an authenticator app")
        SECOND_FACTOR_REMOVE = "two_factor.remove", _("Removed a second factor")
        SECOND_FACTOR_RESET = "two_factor.reset", _("Reset someone's two-factor sign-in")
        # Testifiers' contacts (encrypted at rest) and bulk case files (issue 17).
        CONTACT_VIEW = "case.contact.view", _("Read a testifier's contact details")
        CONTACT_CHANGE = "case.contact.change", _("Changed a testifier's contact details")
        CASE_IMPORT = "case.import", _("Imported cases from a CSV file")
        CASE_EXPORT = "case.export", _("Exported cases as a CSV file for editing")
        # Photos of cases and testimonies (cases.photos).
        PHOTO_ADD = "photo.add", _("Added a photo")
        PHOTO_EDIT = "photo.edit", _("Changed a photo's consent or texts")
        PHOTO_SUBMIT = "photo.submit", _("Submitted a photo for approval")
        PHOTO_APPROVE = "photo.approve", _("Approved and published a photo")
        PHOTO_UNPUBLISH = "photo.unpublish", _("Took a photo down")
        PHOTO_PORTRAIT = "photo.portrait", _("Chose the photo on a person's card")
        PHOTO_DELETE = "photo.delete", _("Deleted a photo")
        # What families send through the public forms (cases.intake).
        SUBMISSION_DUPLICATE = "submission.duplicate", _("Marked a submission as a possible duplicate")
        SUBMISSION_CONVERT = "submission.convert", _("Turned a submission into a draft case")
        SUBMISSION_ASK = "submission.ask", _("Asked the sender of a submission for more information")
        SUBMISSION_CLOSE = "submission.close", _("Closed a submission")
        SUBMISSION_CONTACT = "submission.contact", _("Read the contact details of a submission's sender")
        SUBMISSION_FILE = "submission.file", _("Opened a file sent with a submission")
        # The account holder's own sessions (accounts.sessions).
        SESSION_END = "session.end", _("Signed out a session")
        SESSIONS_END_OTHERS = "session.end_others", _("Signed out everywhere else")

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    # PROTECT: people and petitions with a history are deactivated, never
    # deleted, so no entry ever loses who or what it was about.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("who")
    )
    actor_name = models.CharField(_("who"), max_length=150, editable=False)
    action = models.CharField(_("what"), max_length=40, choices=Action)
    # By name, not import: accounts imports no other app (scripts/check_imports.py).
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(_("why"), max_length=2_000, blank=True)
    # Counts, rules, before/after values: whatever makes the entry explain itself.
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["petition", "-at"], name="audit_petition_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")


class Invitation(models.Model):
    """Staff invite people by email; the link in the email lets them choose
    a username and password. There is no other way to get an account."""

    email = models.EmailField(_("email"))
    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petition"),
    )
    role = models.CharField(_("role on the petition"), max_length=16, choices=PetitionRole, blank=True)
    organiser = models.BooleanField(_("may start petitions"), default=True)
    case_editor = models.BooleanField(_("curates cases"), default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email


class SignedInSessionQuerySet(models.QuerySet):
    """A session counts as signed in until its idle or absolute limit
    (accounts.sessions); past either it can no longer be used."""

    def _limits(self, now: datetime.datetime | None) -> tuple[datetime.datetime, datetime.datetime]:
        from accounts.sessions import SEEN_RESOLUTION

        now = now or timezone.now()
        # last_seen_at is kept to within SEEN_RESOLUTION, like the session's own expiry.
        idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + SEEN_RESOLUTION)
        absolute = datetime.timedelta(seconds=settings.PLEA_SESSION_ABSOLUTE_AGE)
        return now - idle, now - absolute

    def active(self, now: datetime.datetime | None = None) -> SignedInSessionQuerySet:
        idle, absolute = self._limits(now)
        return self.filter(last_seen_at__gte=idle, signed_in_at__gte=absolute)

    def expired(self, now: datetime.datetime | None = None) -> SignedInSessionQuerySet:
        idle, absolute = self._limits(now)
        return self.filter(models.Q(last_seen_at__lt=idle) | models.Q(signed_in_at__lt=absolute))


class SignedInSession(models.Model):
    """One sign-in of an account, as its account page lists it.

    Django's session stores cannot be searched by account, so each sign-in
    also gets a row here, tied to its session by a random token kept in the
    session's data (never the session key: nothing in this table opens a
    session). The row is the session's licence: a signed-in request whose
    row has gone is signed out (accounts.sessions), so ending a session is
    deleting its row, whatever the session engine."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions", verbose_name=_("account")
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    signed_in_at = models.DateTimeField(_("signed in"), default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now, editable=False, db_index=True)
    # Names only ("Firefox", "Windows"; accounts.browsers), never the raw header.
    browser = models.CharField(_("browser"), max_length=40, blank=True, editable=False)
    system = models.CharField(_("system"), max_length=40, blank=True, editable=False)

    objects = SignedInSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.browser or '?'} / {self.system or '?'} {self.signed_in_at:%Y-%m-%d %H:%M}"
