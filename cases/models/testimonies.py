"""Testimonies with their consent scope, and how editors reach the testifier."""

from __future__ import annotations

import datetime

from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.events import PartialDateMixin, Source
from cases.partial_dates import truncate_to_precision
from core.encryption import EncryptedTextField
from core.validators import reject_control_characters


class TestimonyQuerySet(models.QuerySet):
    def publishable(self) -> TestimonyQuerySet:
        return self.filter(consent__in=Testimony.PUBLIC_CONSENTS)


class Testimony(PartialDateMixin):
    class Consent(models.TextChoices):
        NAMED = "named", _("May be published with the testifier's name")
        ANONYMOUS = "anonymous", _("May be published without the testifier's name")
        INTERNAL = "internal", _("Organisers only, never published")

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("spouse")
        PARENT = "parent", _("parent")
        CHILD = "child", _("child")
        SIBLING = "sibling", _("sibling")
        OTHER_RELATIVE = "relative", _("other relative")
        FAMILY = "family", _("family, not specified")
        FRIEND = "friend", _("friend or acquaintance")
        SELF = "self", _("the person themself")
        OTHER = "other", _("other")

    PUBLIC_CONSENTS = (Consent.NAMED, Consent.ANONYMOUS)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="testimonies", verbose_name=_("case"))
    testifier_name = models.CharField(
        _("testifier's name"),
        max_length=200,
        blank=True,
        validators=[reject_control_characters],
        help_text=_("Shown only when the consent covers publishing the name."),
    )
    testifier_label = models.CharField(
        _("testifier as the public sees them"),
        max_length=200,
        validators=[reject_control_characters],
        help_text=_("Shown when the name may not be, e.g. “his wife”."),
    )
    relationship = models.CharField(_("relationship to the person"), max_length=16, choices=Relationship)
    given_at = models.CharField(_("where it was given"), max_length=200, blank=True)
    given_on = models.DateField(_("when it was given"), null=True, blank=True)
    collected_by = models.CharField(
        _("collected by"), max_length=200, blank=True, help_text=_("Atajurt, ChinaAid, a news agency …")
    )
    summary = models.TextField(_("summary"), max_length=10_000, help_text=_("Markdown."))
    consent = models.CharField(_("consent"), max_length=16, choices=Consent, default=Consent.INTERNAL)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonies",
        verbose_name=_("source"),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown to the public."))

    objects = TestimonyQuerySet.as_manager()

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        ordering = [models.F("given_on").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return f"{self.testifier_label} — {self.case}"

    def save(self, *args, **kwargs) -> None:
        self.given_on = truncate_to_precision(self.given_on, self.date_precision)
        super().save(*args, **kwargs)

    def _partial_date(self) -> datetime.date | None:
        return self.given_on

    @property
    def public_testifier(self) -> str:
        if self.consent == self.Consent.NAMED and self.testifier_name:
            return self.testifier_name
        return self.testifier_label


class TestifierContact(models.Model):
    """How case editors reach a testifier. Never in a public query; every
    field is encrypted at rest (core/encryption.py), so a database dump or
    backup alone gives no one's phone number or address, and each reading
    is audited (cases.admin)."""

    testimony = models.OneToOneField(
        Testimony, on_delete=models.CASCADE, related_name="contact", verbose_name=_("testimony")
    )
    phone = EncryptedTextField(_("phone"), max_length=50, blank=True, validators=[reject_control_characters])
    email = EncryptedTextField(_("email"), max_length=254, blank=True, validators=[validate_email])
    messenger = EncryptedTextField(
        _("messaging account"), max_length=200, blank=True, validators=[reject_control_characters]
    )
    address = EncryptedTextField(_("address"), max_length=2_000, blank=True)
    notes = EncryptedTextField(_("notes"), max_length=5_000, blank=True)

    # The single-line fields, as the contact form shows them.
    ONE_LINE = ("phone", "email", "messenger")

    class Meta:
        verbose_name = _("testifier contact")
        verbose_name_plural = _("testifier contacts")

    def __str__(self) -> str:
        return gettext("Contact for testimony #%(pk)s") % {"pk": self.testimony_id}
