"""Photos of a person or of a testimony, shown only with consent and a second editor's approval."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.publication import ReviewedPublication, Visibility
from cases.models.testimonies import Testimony
from core.validators import reject_control_characters


@dataclass(frozen=True)
class PhotoSize:
    url: str
    width: int
    height: int


class PhotoQuerySet(models.QuerySet):
    def published(self) -> PhotoQuerySet:
        """Approved by a second case editor, with the family's consent: their
        files are in the public photo storage (cases.photos)."""
        return self.filter(visibility=Visibility.PUBLIC, consent=Photo.Consent.PUBLIC)

    def public(self) -> PhotoQuerySet:
        """The only photos a visitor may ever see: published, of a public case,
        and, for a testimony's photo, of a testimony that may be published."""
        return self.published().filter(
            Q(testimony__isnull=True) | Q(testimony__consent__in=Testimony.PUBLIC_CONSENTS),
            case__visibility=Visibility.PUBLIC,
        )

    def awaiting_approval(self) -> PhotoQuerySet:
        return self.filter(submitted_at__isnull=False).exclude(visibility=Visibility.PUBLIC)


class Photo(ReviewedPublication):
    """A photo of a case or of one of its testimonies, kept only as the
    re-encoded sizes core.uploads renders (never the file as uploaded). It is
    shown publicly only when the family consents, it has alt text, and a
    second case editor approved it; its files are in the public photo storage
    exactly while it is published, in the private storage always."""

    REFUSALS = {
        "public": _("This photo is already public."),
        "waiting": _("This photo is already waiting for approval."),
        "not_submitted": _("Only a photo submitted for publication can be approved."),
        "not_public": _("Only a public photo can be taken down."),
    }

    REVIEWED_FIELDS = ("case_id", "testimony_id", "consent", "alt", "caption", "portrait", "variants")

    class Consent(models.TextChoices):
        PUBLIC = "public", _("May be shown publicly")
        INTERNAL = "internal", _("Case editors only, never published")

    # Random: the files' names start with it, so a URL says nothing about the
    # case or how many photos there are.
    key = models.CharField(max_length=32, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="photos", verbose_name=_("case"))
    testimony = models.ForeignKey(
        Testimony, on_delete=models.CASCADE, null=True, blank=True, related_name="photos",
        verbose_name=_("testimony"), help_text=_("Leave empty for a photo of the person."),
    )  # fmt: skip
    consent = models.CharField(_("consent"), max_length=16, choices=Consent, default=Consent.INTERNAL)
    source = models.CharField(
        _("source"), max_length=300, validators=[reject_control_characters],
        help_text=_("Who gave the photo and who consented to its use. Never shown to the public."),
    )  # fmt: skip
    alt = models.CharField(
        _("alt text"), max_length=300, blank=True, validators=[reject_control_characters],
        help_text=_("What the photo shows, for people who cannot see it. Needed before it can be public."),
    )  # fmt: skip
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, validators=[reject_control_characters],
        help_text=_("Optional, shown under the photo, e.g. “In Almaty, 2016. Photo: his family.”"),
    )  # fmt: skip
    portrait = models.BooleanField(_("portrait"), default=False, help_text=_("Shown on the person's card."))
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    # Width (as a string: JSON keys) -> file name, "480-<content hash>.webp".
    variants = models.JSONField(default=dict, editable=False)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility, default=Visibility.DRAFT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("uploaded by"),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-portrait", "uploaded_at", "pk"]
        constraints = [
            *ReviewedPublication.Meta.constraints,
            # Whatever the path, a public photo has the family's consent and
            # words for people who cannot see it.
            models.CheckConstraint(
                condition=~Q(visibility="public") | (Q(consent="public") & ~Q(alt="")),
                name="photo_public_only_consented_with_alt",
            ),
            models.UniqueConstraint(fields=["case"], condition=Q(portrait=True), name="photo_one_portrait_per_case"),
            models.CheckConstraint(
                condition=Q(portrait=False) | Q(testimony__isnull=True), name="photo_portrait_is_of_the_person"
            ),
        ]

    def __str__(self) -> str:
        return self.alt or gettext("Photo #%(pk)s") % {"pk": self.pk}

    @property
    def widths(self) -> list[int]:
        return sorted(int(width) for width in self.variants)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    def file_name(self, width: int) -> str:
        """The variant's name in either storage."""
        return f"photos/{self.key}/{self.variants[str(width)]}"

    @cached_property
    def public_sizes(self) -> list[PhotoSize]:
        """Each width at its URL on the public site (working only while published)."""
        return [
            PhotoSize(reverse("public_photo", kwargs={"key": self.key, "filename": self.variants[str(width)]}),
                      width, self.height_at(width))
            for width in self.widths
        ]  # fmt: skip

    @cached_property
    def internal_sizes(self) -> list[PhotoSize]:
        """Each width at its URL for case editors."""
        return [
            PhotoSize(reverse("organisers:photo_file", kwargs={"key": self.key, "filename": self.variants[str(width)]}),
                      width, self.height_at(width))
            for width in self.widths
        ]  # fmt: skip

    @property
    def srcset(self) -> str:
        return ", ".join(f"{size.url} {size.width}w" for size in self.public_sizes)

    def public_size(self, at_least: int) -> PhotoSize:
        """The smallest width at least `at_least` (else the largest): the `src`."""
        return next((size for size in self.public_sizes if size.width >= at_least), self.public_sizes[-1])

    @property
    def card_size(self) -> PhotoSize:
        return self.public_size(160)

    @property
    def page_size(self) -> PhotoSize:
        return self.public_size(480)

    @property
    def is_published(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.consent == self.Consent.PUBLIC
