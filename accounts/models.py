from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.audit_registry import ACTION_MAX_LENGTH, audit_actions
from accounts.roles import OWNING_ROLES, PetitionRole, role_provider


class AppendOnly(Exception):
    """The audit log is only ever added to."""


def subject_type_of(record: models.Model) -> str:
    """How audit entries and invitations name a record's kind: "app_label.model"."""
    return record._meta.label_lower


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")

    def visible_to(self, user) -> AuditQuerySet:
        """Staff see everything; owners see what happened on what they own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:  # site staff (accounts.roles.is_site_staff)
            return self.all()
        provider = role_provider()
        if provider is None:
            return self.none()
        owned = provider.subject_ids(user, roles=OWNING_ROLES)
        return self.filter(subject_type=provider.subject_type, subject_id__in=owned)

    def about(self, subject: models.Model) -> AuditQuerySet:
        """The history of one record (a petition)."""
        return self.filter(subject_type=subject_type_of(subject), subject_id=str(subject.pk))

    def newest(self) -> AuditQuerySet:
        return self.order_by("-at", "-pk")


class AuditEntry(models.Model):
    """Who did what, when and why. Written by every organiser workflow in the
    same transaction as the change it records, so a change and its record
    stand or fall together. Every app writes here: `target` is what was acted
    on (a signature, a case), `subject` the record whose history the entry
    belongs to (its petition), named by kind and pk so that this app needs no
    relation to the apps above it."""

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    # PROTECT: people with a history are deactivated, never deleted, so no
    # entry ever loses who it was by.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("who")
    )
    actor_name = models.CharField(_("who"), max_length=150, editable=False)
    # A code that some app registered (accounts.audit_registry), without
    # database choices: a new action needs no migration here.
    action = models.CharField(_("what"), max_length=ACTION_MAX_LENGTH)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(_("why"), max_length=2_000, blank=True)
    # Counts, rules, before/after values: whatever makes the entry explain itself.
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"], name="audit_subject_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")

    def get_action_display(self) -> str:
        """The registered label, as Django names it for a field with choices."""
        return audit_actions.label(self.action)


class InvitationQuerySet(models.QuerySet):
    def about(self, subject: models.Model) -> InvitationQuerySet:
        """The invitations to a role on one record (a petition)."""
        return self.filter(subject_type=subject_type_of(subject), subject_id=str(subject.pk))


class Invitation(models.Model):
    """Staff invite people by email; the link in the email lets them choose
    a username and password. There is no other way to get an account."""

    email = models.EmailField(_("email"))
    # What the role is on (a petition), named as audit subjects are; blank
    # for an invitation that only grants site-wide groups.
    subject_type = models.CharField(max_length=100, blank=True, editable=False)
    subject_id = models.CharField(max_length=64, blank=True, editable=False)
    role = models.CharField(_("role on the petition"), max_length=16, choices=PetitionRole, blank=True)
    organiser = models.BooleanField(_("may start petitions"), default=True)
    case_editor = models.BooleanField(_("curates cases"), default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @cached_property
    def subject(self) -> models.Model | None:
        """The record the role is on, if it is still there."""
        provider = role_provider()
        if not self.subject_id or provider is None or provider.subject_type != self.subject_type:
            return None
        return provider.subjects().filter(pk=self.subject_id).first()


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
