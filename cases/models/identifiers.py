"""The same person's entry in other databases."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.people import Case, CaseQuerySet
from cases.models.publication import Visibility
from core.validators import reject_control_characters


class CaseIdentifierQuerySet(models.QuerySet):
    def public(self) -> CaseIdentifierQuerySet:
        return self.filter(case__visibility=Visibility.PUBLIC)


class CaseIdentifier(models.Model):
    """The same person's entry in another database (the Xinjiang Victims
    Database, a UN working group's file …), by number, web address or both:
    shown on the public page as "also documented in", and the surest sign
    that a new submission or an imported row is someone already here."""

    class Database(models.TextChoices):
        XINJIANG_VICTIMS = "xjvictims", _("Xinjiang Victims Database (shahit.biz)")
        XINJIANG_POLICE_FILES = "xjpolice", _("Xinjiang Police Files")
        UHRP = "uhrp", _("Uyghur Human Rights Project")
        ATAJURT = "atajurt", _("Atajurt Kazakh Human Rights")
        UN_WGEID = "wgeid", _("UN Working Group on Enforced or Involuntary Disappearances")
        OTHER = "other", _("Other (name it)")

    # Where a database's entry addresses carry the entry's number, the number
    # is read from the address, so the same entry is found either way.
    ENTRY_NUMBER_IN_URL = {
        Database.XINJIANG_VICTIMS: r"shahit\.biz/[^?#]*\?(?:[^#]*&)?entryno=(\d+)",
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identifiers", verbose_name=_("case"))
    database = models.CharField(_("database"), max_length=16, choices=Database)
    database_name = models.CharField(
        _("name of the database"),
        max_length=200,
        blank=True,
        validators=[reject_control_characters],
        help_text=_("Only for “Other”."),
    )
    number = models.CharField(_("entry number"), max_length=100, blank=True, validators=[reject_control_characters])
    url = models.URLField(_("entry's web address"), max_length=500, blank=True)

    objects = CaseIdentifierQuerySet.as_manager()

    class Meta:
        verbose_name = _("identifier in another database")
        verbose_name_plural = _("identifiers in other databases")
        ordering = ["database", "database_name", "number", "pk"]
        constraints = [
            # One entry of a database is one person: a second case claiming
            # it is a duplicate to merge, not a second identifier.
            models.UniqueConstraint(
                fields=["database", "database_name", "number"],
                condition=~Q(number=""),
                name="case_identifier_number_once",
                violation_error_message=_("Another case already has this entry number in this database."),
            ),
            models.CheckConstraint(
                condition=~Q(number="", url=""),
                name="case_identifier_number_or_url",
                violation_error_message=_("Give the entry's number, its web address, or both."),
            ),
            models.CheckConstraint(
                condition=Q(database="other") | Q(database_name=""), name="case_identifier_name_only_for_other"
            ),
        ]
        indexes = [models.Index(fields=["url"], name="case_identifier_url")]

    def __str__(self) -> str:
        return f"{self.database_label}: {self.number or self.url}"

    def save(self, *args, **kwargs) -> None:
        if not self.number and self.url:
            self.number = self.number_from_url(self.database, self.url)
        super().save(*args, **kwargs)

    @property
    def database_label(self) -> str:
        if self.database == self.Database.OTHER:
            return self.database_name
        return str(self.get_database_display())

    def clean(self) -> None:
        self.number = " ".join(self.number.split())
        self.database_name = " ".join(self.database_name.split())
        if self.database != self.Database.OTHER:
            self.database_name = ""
        elif not self.database_name:
            raise ValidationError({"database_name": gettext("Name the database.")})
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": gettext("Enter a web address starting with https://.")})
        if not self.number and self.url:
            self.number = self.number_from_url(self.database, self.url)
        if not self.number and not self.url:
            raise ValidationError(gettext("Give the entry's number, its web address, or both."))

    @classmethod
    def number_from_url(cls, database: str, url: str) -> str:
        pattern = cls.ENTRY_NUMBER_IN_URL.get(database)
        match = re.search(pattern, url) if pattern else None
        return match.group(1) if match else ""


def cases_with_identifier(database: str, number_or_url: str, *, database_name: str = "") -> CaseQuerySet:
    """Every case (of any visibility) that holds this entry of `database`,
    given as its number or its web address: what flags a duplicate at
    intake and import. Case editors' tools only, never a public page."""
    value = " ".join(number_or_url.split())
    if not value:
        return Case.objects.none()
    entries = CaseIdentifier.objects.filter(database=database)
    if database == CaseIdentifier.Database.OTHER:
        entries = entries.filter(database_name__iexact=" ".join(database_name.split()))
    if value.lower().startswith(("https://", "http://")):
        number = CaseIdentifier.number_from_url(database, value)
        matches = Q(url=value) | Q(url=value.rstrip("/")) | Q(url=value.rstrip("/") + "/")
        if number:
            matches |= Q(number=number)
    else:
        matches = Q(number__iexact=value.removeprefix("#"))
    return Case.objects.filter(pk__in=entries.filter(matches).values("case_id"))
