"""Aggregate figures someone published, kept with their source."""

from __future__ import annotations

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from cases.models.events import Source
from cases.models.publication import ReviewedPublication, Visibility


class StatisticQuerySet(models.QuerySet):
    def public(self) -> StatisticQuerySet:
        return self.filter(visibility=Visibility.PUBLIC)


class Statistic(ReviewedPublication):
    """An aggregate figure someone published (Atajurt's county estimates), kept with
    its source. Never turned into invented cases."""

    class Scope(models.TextChoices):
        PLACE = "place", _("Town or village")
        COUNTY = "county", _("County")
        PREFECTURE = "prefecture", _("Prefecture")
        REGION = "region", _("Xinjiang as a whole")
        GROUP = "group", _("A group of people, not a place")

    class Qualifier(models.TextChoices):
        EXACTLY = "", _("exactly")
        AT_LEAST = "at_least", _("at least")
        MORE_THAN = "more_than", _("more than")
        ABOUT = "about", _("about")

    label = models.CharField(_("what is counted"), max_length=300)
    value = models.PositiveIntegerField(_("figure"))
    qualifier = models.CharField(
        _("qualifier"), max_length=16, choices=Qualifier, default=Qualifier.EXACTLY, blank=True
    )
    out_of = models.PositiveIntegerField(_("out of"), null=True, blank=True, help_text=_("The population counted."))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope)
    place = models.CharField(_("place"), max_length=200, blank=True)
    stated_by = models.CharField(_("stated by"), max_length=200, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statistics", verbose_name=_("source"))
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility, default=Visibility.DRAFT)
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown to the public."))

    objects = StatisticQuerySet.as_manager()

    REVIEWED_FIELDS = ("label", "value", "qualifier", "out_of", "scope", "place", "stated_by", "as_of", "source_id")

    REFUSALS = {
        "public": _("This figure is already public."),
        "waiting": _("This figure is already waiting for approval."),
        "not_submitted": _("Only a figure submitted for publication can be approved."),
        "not_public": _("Only a public figure can be unpublished."),
    }

    class Meta:
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        ordering = [models.F("as_of").desc(nulls_last=True), "pk"]
        constraints = ReviewedPublication.Meta.constraints

    def __str__(self) -> str:
        return self.label

    # The qualifier and the number as one phrase, so every language can put
    # "more than" where its grammar wants it (before or after the number).
    QUALIFIED_VALUE = {
        Qualifier.AT_LEAST: _("at least %(value)s"),
        Qualifier.MORE_THAN: _("more than %(value)s"),
        Qualifier.ABOUT: _("about %(value)s"),
    }

    @property
    def value_display(self) -> str:
        value = number_format(self.value, force_grouping=True)
        phrase = self.QUALIFIED_VALUE.get(self.qualifier)
        return str(phrase) % {"value": value} if phrase else value
