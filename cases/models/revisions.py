"""Versions of a public case: proposed, approved or rejected."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CaseRevisionQuerySet(models.QuerySet):
    def approved(self) -> CaseRevisionQuerySet:
        """Versions that were public, newest last."""
        return self.filter(state=CaseRevision.State.APPROVED).order_by("reviewed_at", "pk")

    def proposed(self) -> CaseRevisionQuerySet:
        return self.filter(state=CaseRevision.State.PROPOSED)


class CaseRevision(models.Model):
    """One version of everything about a public case that its page can show:
    the case's fields, names, translations, events, testimonies (with their
    consent), family links and sources (cases.revisions.snapshot). Once a
    case is public, an editor's change is stored here as a proposal and
    reaches the case only when a second case editor approves it; approved
    versions stay as its history and can be proposed again to restore one."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Origin(models.TextChoices):
        PUBLICATION = "publication", _("First publication")
        EDIT = "edit", _("Edited by a case editor")
        RESTORE = "restore", _("Restores an earlier version")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="revisions", verbose_name=_("case"))
    content = models.JSONField(_("content"))
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
                condition=Q(state="proposed", reviewed_at__isnull=True)
                | (
                    ~Q(state="proposed")
                    & Q(reviewed_at__isnull=False)
                    & (Q(origin="publication") | Q(reviewed_by__isnull=False))
                ),
                name="case_revision_reviewed_unless_proposed",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Version #%(pk)s of %(case)s") % {"pk": self.pk, "case": self.case}
