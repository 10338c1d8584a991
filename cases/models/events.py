"""What happened to a person and where each fact comes from: the timeline
(after the HURIDOCS events format) and its sources."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.publication import Visibility
from cases.partial_dates import DatePrecision, format_partial_date, truncate_to_precision


class SourceQuerySet(models.QuerySet):
    def cited_publicly(self) -> SourceQuerySet:
        """Sources a public page cites: a public case's, its events' and its
        published testimonies', and public figures'."""
        from cases.models.testimonies import Testimony  # testimonies cite sources: imported when asked

        public = Visibility.PUBLIC
        return self.filter(
            Q(cases__visibility=public)
            | Q(events__case__visibility=public)
            | Q(testimonies__case__visibility=public, testimonies__consent__in=Testimony.PUBLIC_CONSENTS)
            | Q(statistics__visibility=public)
        ).distinct()


class Source(models.Model):
    class Kind(models.TextChoices):
        NEWS_REPORT = "news", _("News report")
        RIGHTS_GROUP = "rights_group", _("Rights-group report or testimony")
        PETITION = "petition", _("Petition")
        OFFICIAL = "official", _("Official document")
        FAMILY = "family", _("Statement by the family")
        OTHER = "other", _("Other")

    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.NEWS_REPORT)
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown to the public."))

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = [models.F("published_on").asc(nulls_last=True), "publisher", "pk"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class PartialDateMixin(models.Model):
    """A date known to a year, a month or a day."""

    date_precision = models.CharField(
        _("date known to the"), max_length=8, choices=DatePrecision, default=DatePrecision.DAY
    )

    class Meta:
        abstract = True

    def _partial_date(self) -> datetime.date | None:
        raise NotImplementedError

    @property
    def date_display(self) -> str:
        return format_partial_date(self._partial_date(), self.date_precision)

    @property
    def date_iso(self) -> str:
        """For <time datetime="…">: "2017", "2018-08" or "2018-01-22"."""
        value = self._partial_date()
        if value is None:
            return ""
        formats = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}
        return value.strftime(formats.get(self.date_precision, "%Y-%m-%d"))


class Event(PartialDateMixin):
    """One step of a person's timeline, after the HURIDOCS events format."""

    class Kind(models.TextChoices):
        LEFT_CHINA = "left_china", _("Left China")
        RETURNED = "returned", _("Returned to China")
        PASSPORT_CONFISCATED = "passport", _("Passport confiscated")
        BARRED_FROM_LEAVING = "barred", _("Barred from leaving")
        DETAINED = "detained", _("Detained")
        SENT_TO_CAMP = "camp", _("Sent to a camp")
        SENTENCED = "sentenced", _("Sentenced")
        RELEASED = "released", _("Released")
        LAST_CONTACT = "last_contact", _("Last contact")
        DISAPPEARED = "disappeared", _("Disappeared")
        DIED = "died", _("Died")
        OTHER = "other", _("Other")

    DETENTION_KINDS = (Kind.DETAINED, Kind.SENT_TO_CAMP)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Leave empty when no source gives one."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5_000, blank=True)
    sources = models.ManyToManyField(Source, related_name="events", blank=True, verbose_name=_("sources"))
    # Sources often leave a step undated ("on a later trip the police took his
    # passport"); a position keeps such steps where the story puts them.
    position = models.PositiveSmallIntegerField(
        _("position in the timeline"),
        default=0,
        help_text=_("Needed only for undated events: events are shown by position, then by date."),
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["position", models.F("date").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["kind", "date"], name="event_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date_display})"

    def save(self, *args, **kwargs) -> None:
        self.date = truncate_to_precision(self.date, self.date_precision)
        super().save(*args, **kwargs)

    def _partial_date(self) -> datetime.date | None:
        return self.date
