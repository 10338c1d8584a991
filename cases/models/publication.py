"""Publication by two people: the states a public thing of a case can be in."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvalidTransition(Exception):
    """A publication step asked of a case in the wrong state, or by the wrong person."""


def refuse_own_review(*, author_id: int | None, by) -> None:
    """Every review of case content (a case's publication or change, a
    photo, a figure) takes a second person: the one rule, said once."""
    if author_id is None or author_id == by.pk:
        raise InvalidTransition(_("You may not review your own change: a second case editor must."))


def content_fingerprint(content: object) -> str:
    """The SHA-256 of `content` as canonical JSON: what a review page shows
    is sent back with the approval, and an approval of anything else is
    refused."""
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft: being written")
    INTERNAL = "internal", _("Internal: organisers only")
    PUBLIC = "public", _("Public")


class ReviewedPublication(models.Model):
    """Publication by two people, for a model with `visibility`,
    `submitted_by/_at` and `approved_by/_at`: one submits, another approves;
    anyone who curates may take it down again at once (it only ever hides)."""

    # What each refusal says, in the model's own words.
    REFUSALS: dict[str, str]

    # Publication takes two people: one submits, another approves.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submitted for publication by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted for publication"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("publication approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("publication approved"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        # No path (admin, shell, fixture) makes a row public unapproved, and
        # nobody approves what they submitted.
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="public") | Q(approved_at__isnull=False), name="%(class)s_public_only_approved"
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=F("submitted_by")), name="%(class)s_second_person_approves"
            ),
        ]

    @property
    def awaiting_approval(self) -> bool:
        return self.submitted_at is not None and self.visibility != Visibility.PUBLIC

    def submit_for_publication(self, *, by, now: datetime.datetime | None = None) -> None:
        if self.visibility == Visibility.PUBLIC:
            raise InvalidTransition(self.REFUSALS["public"])
        if self.awaiting_approval:
            raise InvalidTransition(self.REFUSALS["waiting"])
        self.submitted_by, self.submitted_at = by, now or timezone.now()
        self.save(update_fields=["submitted_by", "submitted_at", *self._touched()])

    # The fields a reviewer sees and approves (review_fingerprint).
    REVIEWED_FIELDS: tuple[str, ...] = ()

    def review_fingerprint(self) -> str:
        """What the review page shows of this row, fingerprinted."""
        return content_fingerprint({name: getattr(self, name) for name in self.REVIEWED_FIELDS})

    def approve_publication(self, *, by, shown: str, now: datetime.datetime | None = None) -> None:
        """`shown` is the fingerprint of what the reviewer saw: an edit since
        (which also clears the submission) makes it stale."""
        if not self.awaiting_approval:
            raise InvalidTransition(self.REFUSALS["not_submitted"])
        refuse_own_review(author_id=self.submitted_by_id, by=by)
        if shown != self.review_fingerprint():
            raise InvalidTransition(_("This changed after you opened it: review it again."))
        self.visibility, self.approved_by, self.approved_at = Visibility.PUBLIC, by, now or timezone.now()
        self.save(update_fields=["visibility", "approved_by", "approved_at", *self._touched()])

    def unpublish(self, *, now: datetime.datetime | None = None) -> None:
        """Back to internal; publishing again needs a new submission and a
        new approval."""
        if self.visibility != Visibility.PUBLIC:
            raise InvalidTransition(self.REFUSALS["not_public"])
        self.visibility = Visibility.INTERNAL
        self.submitted_by = self.submitted_at = self.approved_by = self.approved_at = None
        self.save(
            update_fields=["visibility", "submitted_by", "submitted_at", "approved_by", "approved_at", *self._touched()]
        )

    def _touched(self) -> list[str]:
        return ["updated_at"] if any(field.name == "updated_at" for field in self._meta.fields) else []
