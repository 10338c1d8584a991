"""Versions of a case: saved to a draft, or proposed, approved, rejected or superseded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.publication import content_fingerprint


class CaseRevisionQuerySet(models.QuerySet):
    def approved(self) -> CaseRevisionQuerySet:
        """Versions that were public, newest last."""
        return self.filter(state=CaseRevision.State.APPROVED).order_by("reviewed_at", "pk")

    def proposed(self) -> CaseRevisionQuerySet:
        return self.filter(state=CaseRevision.State.PROPOSED)

    def waiting_for(self, user) -> CaseRevisionQuerySet:
        """What `user` may review: proposed by someone else."""
        return self.proposed().exclude(proposed_by=user).exclude(proposed_by__isnull=True)

    def corrections(self) -> CaseRevisionQuerySet:
        """Approved changes to a case once public, newest first: its public
        correction log (when, what kind of thing, the editor's public reason;
        nothing else of the change)."""
        return self.filter(
            state=CaseRevision.State.APPROVED, origin__in=[CaseRevision.Origin.EDIT, CaseRevision.Origin.RESTORE]
        ).order_by("-reviewed_at", "-pk")

    def rejected_for(self, user) -> CaseRevisionQuerySet:
        """`user`'s own changes a reviewer sent back, with the reason."""
        return self.filter(state=CaseRevision.State.REJECTED, proposed_by=user)


class CaseRevision(models.Model):
    """One version of everything about a case that its page can show: the
    case's fields, names, translations, events, testimonies (with their
    consent), family links and sources (cases.revisions.snapshot). Every
    change made on the case desk is one: to a case not yet public it is
    saved at once (`saved`); a submission for publication and every change
    to a public case is `proposed` and reaches the public only when a second
    case editor approves exactly this content (`content_hash`); a later
    change to the same case supersedes it. Approved versions stay as the
    case's history and can be proposed again to restore one."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Replaced by a later change before review")
        SAVED = "saved", _("Saved to a case not yet public")

    # What kind of thing a change touched, as the public correction log says it.
    PART_LABELS = {
        "status": _("status"),
        "details": _("details of the person"),
        "summary": _("summary"),
        "names": _("names"),
        "timeline": _("timeline"),
        "testimonies": _("testimonies"),
        "translations": _("translations"),
        "identifiers": _("entries in other databases"),
        "links": _("family links"),
        "sources": _("sources"),
        "removal": _("removal of information"),
    }

    class Origin(models.TextChoices):
        PUBLICATION = "publication", _("First publication")
        EDIT = "edit", _("Edited by a case editor")
        RESTORE = "restore", _("Restores an earlier version")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="revisions", verbose_name=_("case"))
    content = models.JSONField(_("content"))
    # The fingerprint of `content` (cases.models.publication.content_fingerprint):
    # the review page sends it back with an approval, which holds only for it.
    content_hash = models.CharField(_("fingerprint of the content"), max_length=64, default="", editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PROPOSED)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin, default=Origin.EDIT)
    # The approved version this one changes: approving it after another
    # change was approved would silently undo that change, so it is refused.
    base = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changes version")
    )
    restores = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("restores version")
    )
    note = models.TextField(_("what changes and why"), max_length=2_000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("proposed by"),
    )  # fmt: skip
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), max_length=2_000, blank=True)
    public_reason = models.CharField(
        _("public reason"), max_length=300, blank=True,
        help_text=_("Shown in the case's public correction log once approved."),
    )  # fmt: skip
    # The kinds of thing an approved change touched (PART_LABELS keys).
    changed_parts = models.JSONField(_("what changed"), default=list, blank=True)

    objects = CaseRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("case revision")
        verbose_name_plural = _("case revisions")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["state", "proposed_at"], name="case_revision_state")]
        constraints = [
            # Nobody approves or rejects their own proposal, whatever the path.
            models.CheckConstraint(
                condition=~Q(reviewed_by=F("proposed_by")), name="case_revision_second_person_reviews"
            ),
            # A version counts as approved only with a review on record; the
            # first published version's review is the publication's approval.
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "saved", "superseded"], reviewed_at__isnull=True)
                | (
                    Q(state__in=["approved", "rejected"])
                    & Q(reviewed_at__isnull=False)
                    & (Q(origin="publication") | Q(reviewed_by__isnull=False))
                ),
                name="case_revision_reviewed_unless_proposed",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Version #%(pk)s of %(case)s") % {"pk": self.pk, "case": self.case}

    def save(self, *args, **kwargs) -> None:
        self.content_hash = content_fingerprint(self.content)
        if kwargs.get("update_fields") is not None and "content" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "content_hash"}
        super().save(*args, **kwargs)

    @property
    def changed_parts_display(self) -> str:
        return ", ".join(str(self.PART_LABELS.get(part, part)) for part in self.changed_parts)
