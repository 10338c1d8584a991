"""People whose cases the petitions fight for, documented the way rights groups do
(HURIDOCS events, the Xinjiang Victims Database): one person per case, every
spelling of their name, a dated timeline, testimonies with their consent scope,
and a source for each fact."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models import F, Func, IntegerField, Prefetch, Q, Value
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.partial_dates import DatePrecision, format_partial_date, last_heard_phrase, truncate_to_precision
from cases.search_keys import key_words, name_search_key
from core.cache_refresh import forget_now_and_on_commit
from core.content_languages import LocalText, choose, translations_of
from core.encryption import EncryptedTextField
from core.validators import reject_control_characters

# The case list's filter options (cases.views.filter_options): cached for at
# most this long in each process; a change to a case forgets them at once in
# this process and in a shared cache.
FILTER_OPTIONS_CACHE_KEY = "cases:filter-options"
FILTER_OPTIONS_SECONDS = 30


def forget_filter_options() -> None:
    forget_now_and_on_commit(FILTER_OPTIONS_CACHE_KEY)


class InvalidTransition(Exception):
    """A publication step asked of a case in the wrong state, or by the wrong person."""


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

    def approve_publication(self, *, by, now: datetime.datetime | None = None) -> None:
        if not self.awaiting_approval:
            raise InvalidTransition(self.REFUSALS["not_submitted"])
        if self.submitted_by_id is None or by.pk == self.submitted_by_id:
            raise InvalidTransition(self.REFUSALS["own"])
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


class SourceQuerySet(models.QuerySet):
    def cited_publicly(self) -> SourceQuerySet:
        """Sources a public page cites: a public case's, its events' and its
        published testimonies', and public figures'."""
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


class CaseQuerySet(models.QuerySet):
    def public(self) -> CaseQuerySet:
        """The only cases a visitor may ever see, count or find."""
        return self.filter(visibility=Visibility.PUBLIC)

    def with_names(self) -> CaseQuerySet:
        """Prefetch spellings, preferred first, so cards show a name without a query each."""
        return self.prefetch_related(
            Prefetch("names", queryset=CaseName.objects.order_by("-preferred", "pk"), to_attr="ordered_names")
        )

    def with_portraits(self) -> CaseQuerySet:
        """Prefetch each card's portrait where it is published (`public_portrait`)."""
        return self.prefetch_related(
            Prefetch("photos", queryset=Photo.objects.published().filter(portrait=True), to_attr="published_portraits")
        )

    def with_public_details(self) -> CaseQuerySet:
        """Everything a public case page (or its JSON) shows, in a fixed number
        of queries: names, sources, translations, entries in other databases,
        the timeline with its sources, only the testimonies whose consent
        allows publishing (as `public_testimonies`), and published photos of
        the person (`published_photos`) and of those testimonies (their
        `published_photos`)."""
        published = Photo.objects.published()
        return self.with_names().prefetch_related(
            "sources",
            "texts",
            "identifiers",
            Prefetch("events", queryset=Event.objects.prefetch_related("sources")),
            Prefetch(
                "testimonies",
                queryset=Testimony.objects.publishable()
                .select_related("source")
                .prefetch_related(Prefetch("photos", queryset=published, to_attr="published_photos")),
                to_attr="public_testimonies",
            ),
            Prefetch("photos", queryset=published.filter(testimony__isnull=True), to_attr="published_photos"),
        )

    def with_last_contact(self) -> CaseQuerySet:
        """The date (and its precision) of each person's latest dated last
        contact, as `last_contact_on` and `last_contact_precision`, so cards
        say "Last heard from …" without a query each."""
        latest = Event.objects.filter(
            case=models.OuterRef("pk"), kind=Event.Kind.LAST_CONTACT, date__isnull=False
        ).order_by("-date", "-pk")
        return self.annotate(
            last_contact_on=models.Subquery(latest.values("date")[:1]),
            last_contact_precision=models.Subquery(latest.values("date_precision")[:1]),
        )

    def search(self, query: str) -> CaseQuerySet:
        """People whose spellings hold every word typed (cases.search)."""
        from cases.search import search_cases  # cases.search reads the vocabulary models below

        return search_cases(self, query)


class Case(ReviewedPublication):
    """One person."""

    REFUSALS = {
        "public": _("This case is already public."),
        "waiting": _("This case is already waiting for approval."),
        "not_submitted": _("Only a case submitted for publication can be approved."),
        "own": _("A second person must approve a case: you cannot approve your own."),
        "not_public": _("Only a public case can be unpublished."),
    }

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNKNOWN = "unknown", _("Not reported")

    class Ethnicity(models.TextChoices):
        UYGHUR = "uyghur", _("Uyghur")
        KAZAKH = "kazakh", _("Kazakh")
        KYRGYZ = "kyrgyz", _("Kyrgyz")
        HUI = "hui", _("Hui")
        UZBEK = "uzbek", _("Uzbek")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not reported")

    class Status(models.TextChoices):
        CAMP = "camp", _("Held in a camp")
        DETAINED_UNKNOWN_PLACE = "detained", _("Detained, place unknown")
        SENTENCED = "sentenced", _("Sentenced")
        BARRED_FROM_LEAVING = "barred", _("Passport confiscated or barred from leaving")
        INCOMMUNICADO = "incommunicado", _("Incommunicado")
        RELEASED_RESTRICTED = "released", _("Released under restrictions")
        DECEASED = "deceased", _("Deceased")
        UNKNOWN = "unknown", _("Unknown")

    # Lazy labels, translated when shown. get_status_display() builds a
    # dict of every choice on each call, a measurable part of rendering a
    # list of cards (bench/README.md).
    STATUS_LABELS = dict(Status.choices)

    reference = models.SlugField(
        _("public reference"),
        max_length=80,
        unique=True,
        help_text=_("Part of the case's web address. Change it only if it puts someone at risk."),
    )
    name_unknown = models.BooleanField(
        _("name not reported"),
        default=False,
        help_text=_("Tick when the sources do not name this person; describe them below instead."),
    )
    unnamed_description = models.CharField(
        _("how the sources refer to them"),
        max_length=200,
        blank=True,
        validators=[reject_control_characters],
        help_text=_("For a person the sources do not name, e.g. “wife of Mian Shahid Ilyas”."),
    )
    gender = models.CharField(_("gender"), max_length=16, choices=Gender, default=Gender.UNKNOWN)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, choices=Ethnicity, default=Ethnicity.UNKNOWN)
    # An age is only true on the day it was reported: "20 in 2018" stays true.
    age_reported = models.PositiveSmallIntegerField(_("age as reported"), null=True, blank=True)
    age_reported_on = models.DateField(
        _("age reported on"), null=True, blank=True, help_text=_("The date of the report that gave the age.")
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    hometown_prefecture = models.CharField(_("prefecture"), max_length=100, blank=True)
    hometown_county = models.CharField(_("county"), max_length=100, blank=True)
    hometown_place = models.CharField(_("town or village"), max_length=100, blank=True)
    family_country = CountryField(_("country where the family lives"), blank=True)
    status = models.CharField(_("current status"), max_length=16, choices=Status, default=Status.UNKNOWN)
    status_as_of = models.DateField(_("status known as of"), null=True, blank=True)
    summary = models.TextField(_("public summary"), max_length=10_000, blank=True, help_text=_("Markdown."))
    language = models.CharField(
        _("language of the summary"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility, default=Visibility.DRAFT)
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown to the public."))
    sources = models.ManyToManyField(Source, related_name="cases", blank=True, verbose_name=_("sources"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["visibility", "status"], name="case_public_status"),
            # Counting the public people a search found probes this (index
            # only) instead of reading every case (figures in bench/README.md).
            models.Index(fields=["id"], condition=Q(visibility="public"), name="case_public_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_reported__isnull=True) | Q(age_reported_on__isnull=False),
                name="case_age_has_report_date",
            ),
            *ReviewedPublication.Meta.constraints,
        ]

    def __str__(self) -> str:
        return str(self.display_name)

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        forget_filter_options()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "visibility" in update_fields:
            # Public search knows public people's names only.
            CaseNameWord.objects.index(self.names.all())
        if self.visibility == Visibility.PUBLIC and (
            update_fields is None or {"visibility", "reference"} & set(update_fields)
        ):
            # Public again at this address: it shows the person, not "gone".
            RetiredCaseAddress.objects.filter(reference=self.reference).delete()

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"reference": self.reference})

    def unpublish(self, *, now: datetime.datetime | None = None) -> None:
        super().unpublish(now=now)
        RetiredCaseAddress.objects.retire(self.reference, now=now)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_filter_options()
        return result

    @property
    def preferred_name(self) -> CaseName | None:
        names = getattr(self, "ordered_names", None)
        if names is None:
            names = list(self.names.order_by("-preferred", "pk"))
        return names[0] if names else None

    @property
    def status_label(self) -> str:
        """get_status_display(), without building the choices each call."""
        return self.STATUS_LABELS.get(self.status, self.status)

    @property
    def display_name(self) -> str:
        name = self.preferred_name
        if name is not None and not self.name_unknown:
            return name.text
        if self.unnamed_description:
            return gettext("Name not reported (%(description)s)") % {"description": self.unnamed_description}
        return gettext("Name not reported")

    @property
    def local(self) -> LocalText:
        """The summary in the reader's language, or the original's. Uses
        prefetched `texts` where the view fetched them."""
        return choose(
            original_language=self.language,
            original={"summary": self.summary},
            translations=translations_of(self.texts, ["summary"]),
        )

    @property
    def public_portrait(self) -> Photo | None:
        """The photo on the person's card, where the case is public and the
        photo published; else None (the placeholder is shown)."""
        if self.visibility != Visibility.PUBLIC:
            return None
        portraits = getattr(self, "published_portraits", None)
        if portraits is None:
            photos = getattr(self, "published_photos", None)
            if photos is None:
                return Photo.objects.published().filter(case=self, portrait=True).first()
            portraits = [photo for photo in photos if photo.portrait]
        return portraits[0] if portraits else None

    @property
    def gallery_photos(self) -> list[Photo]:
        """Published photos of the person other than the portrait (from
        with_public_details)."""
        portrait = self.public_portrait
        return [photo for photo in getattr(self, "published_photos", []) if photo != portrait]

    @property
    def hometown(self) -> str:
        return ", ".join(part for part in (self.hometown_place, self.hometown_county, self.hometown_prefecture) if part)

    @property
    def last_contact(self) -> tuple[datetime.date, str] | None:
        """(date, precision) of the latest dated last-contact event: from
        with_last_contact(), else the prefetched timeline, else a query."""
        if hasattr(self, "last_contact_on"):
            return (self.last_contact_on, self.last_contact_precision) if self.last_contact_on else None
        if "events" in getattr(self, "_prefetched_objects_cache", {}):
            dated = [e for e in self.events.all() if e.kind == Event.Kind.LAST_CONTACT and e.date is not None]
            latest = max(dated, key=lambda event: (event.date, event.pk), default=None)
        else:
            latest = (
                self.events.filter(kind=Event.Kind.LAST_CONTACT, date__isnull=False).order_by("-date", "-pk").first()
            )
        return (latest.date, latest.date_precision) if latest else None

    @property
    def last_heard(self) -> str:
        """ "Last heard from 1,204 days ago", or empty when no dated last contact is recorded."""
        found = self.last_contact
        return last_heard_phrase(*found, today=timezone.localdate()) if found else ""

    @property
    def last_contact_iso(self) -> str:
        found = self.last_contact
        if found is None:
            return ""
        formats = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}
        return found[0].strftime(formats.get(found[1], "%Y-%m-%d"))

    @property
    def last_contact_display(self) -> str:
        found = self.last_contact
        return format_partial_date(*found) if found else ""

    @property
    def status_as_of_display(self) -> str:
        return format_partial_date(self.status_as_of, DatePrecision.DAY) if self.status_as_of else ""

    @property
    def age_display(self) -> str:
        if self.age_reported is not None and self.age_reported_on is not None:
            return gettext("%(age)s (as reported in %(year)s)") % {
                "age": self.age_reported,
                "year": self.age_reported_on.year,
            }
        if self.birth_year:
            return gettext("born in %(year)s") % {"year": self.birth_year}
        return ""

    def cited_sources(self) -> list[Source]:
        """Every source behind the page: the case's own, its events' and its
        published testimonies'. Uses what the detail view prefetched."""
        found: dict[int, Source] = {source.pk: source for source in self.sources.all()}
        for event in self.events.all():
            found.update((source.pk, source) for source in event.sources.all())
        for testimony in getattr(self, "public_testimonies", []):
            if testimony.source is not None:
                found[testimony.source.pk] = testimony.source
        return sorted(found.values(), key=lambda source: (source.published_on is None, source.published_on, source.pk))

    def related_public_cases(self) -> list[tuple[Case, str]]:
        """Public relatives with what they are to this person ("mother", "cousin").
        Links to cases that are not public are left out entirely."""
        names = CaseName.objects.order_by("-preferred", "pk")
        outgoing = (
            self.links_from.filter(relative__visibility=Visibility.PUBLIC)
            .select_related("relative")
            .prefetch_related(Prefetch("relative__names", queryset=names, to_attr="ordered_names"))
        )
        incoming = (
            self.links_to.filter(case__visibility=Visibility.PUBLIC)
            .select_related("case")
            .prefetch_related(Prefetch("case__names", queryset=names, to_attr="ordered_names"))
        )
        return [(link.relative, link.relative_label()) for link in outgoing] + [
            (link.case, link.inverse_label()) for link in incoming
        ]


class CaseName(models.Model):
    """One spelling of a person's name, exactly as a source writes it."""

    class Script(models.TextChoices):
        LATIN = "latin", _("Latin")
        ARABIC = "arabic", _("Arabic")
        CYRILLIC = "cyrillic", _("Cyrillic")
        CHINESE = "chinese", _("Chinese")

    class System(models.TextChoices):
        AS_REPORTED = "reported", _("As reported in the press")
        PINYIN = "pinyin", _("Chinese pinyin")
        UYGHUR_LATIN = "uyghur_latin", _("Uyghur Latin")
        UYGHUR_ARABIC = "uyghur_arabic", _("Uyghur Arabic script")
        KAZAKH_CYRILLIC = "kazakh_cyrillic", _("Kazakh Cyrillic")
        KAZAKH_LATIN = "kazakh_latin", _("Kazakh Latin")
        CHINESE_CHARACTERS = "hanzi", _("Chinese characters")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="names", verbose_name=_("case"))
    text = models.CharField(_("name"), max_length=200, validators=[reject_control_characters])
    script = models.CharField(_("script"), max_length=16, choices=Script, default=Script.LATIN)
    system = models.CharField(_("spelling system"), max_length=16, choices=System, default=System.AS_REPORTED)
    preferred = models.BooleanField(_("preferred"), default=False)
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("source")
    )
    search_key = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("name")
        verbose_name_plural = _("names")
        ordering = ["-preferred", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(preferred=True), name="case_one_preferred_name"),
            models.UniqueConstraint(fields=["case", "text"], name="case_name_spelling_once"),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        self.search_key = name_search_key(self.text)
        if kwargs.get("update_fields") is not None and "text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)


class NameWordQuerySet(models.QuerySet):
    def matching(self, word: str) -> NameWordQuerySet:
        """Words that contain `word` and, on PostgreSQL, words it nearly
        matches (pg_trgm word similarity at the current threshold)."""
        matches = Q(text__contains=word)
        if connection.vendor == "postgresql":
            # pg_trgm takes no trigrams from letters the database's locale
            # does not class as letters (Cyrillic and Arabic under the C
            # locale), and then no word is similar. This condition on the
            # constant is folded away when the query is planned, and spares
            # computing every word's similarity for nothing (bench/README.md).
            trigrams = Func(
                Func(Value(word), function="show_trgm"), function="cardinality", output_field=IntegerField()
            )
            matches |= Q(GreaterThan(trigrams, 0), text__trigram_word_similar=word)
        return self.filter(matches)

    def ids_for(self, texts: Iterable[str]) -> dict[str, int]:
        """The vocabulary's id for each of `texts`, adding the new ones."""
        texts = set(texts)
        self.bulk_create([NameWord(text=text) for text in texts], ignore_conflicts=True)
        return dict(self.filter(text__in=texts).values_list("text", "pk"))


class NameWord(models.Model):
    """A word of some spelling's search key, once: what searches match a
    visitor's words against before finding people by exact word."""

    text = models.CharField(max_length=200, unique=True)

    objects = NameWordQuerySet.as_manager()

    def __str__(self) -> str:
        return self.text


class CaseNameWordQuerySet(models.QuerySet):
    def index(self, names: Iterable[CaseName]) -> None:
        """Record the words of these spellings' search keys, in place of what
        was recorded for them before: for public people only, so that the
        vocabulary a visitor's search probes never holds a word of a draft
        or internal case's name."""
        names = list(names)
        public = set(Case.objects.public().filter(pk__in={name.case_id for name in names}).values_list("pk", flat=True))
        words = {name: key_words(name.search_key) for name in names if name.case_id in public}
        with transaction.atomic():
            ids = NameWord.objects.ids_for(word for name_words in words.values() for word in name_words)
            self.filter(name__in=[name.pk for name in names]).delete()
            self.bulk_create(
                CaseNameWord(name_id=name.pk, case_id=name.case_id, word_id=ids[word])
                for name, name_words in words.items()
                for word in name_words
            )


class CaseNameWord(models.Model):
    """`word` is in the search key of `name`, a spelling of public `case`'s
    name. Written by CaseNameWordQuerySet.index whenever a spelling or its
    case's visibility is saved, and deleted with the spelling (and so with
    the case)."""

    pk = models.CompositePrimaryKey("name", "word")
    name = models.ForeignKey(CaseName, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The spelling's person is copied so that a search reads people from one
    # index on (word, case) without visiting the spellings. The spelling's
    # foreign key carries the row's life (vocabulary words are never
    # deleted), so the database does not check these two on every insert:
    # those checks tripled the time to load 100,000 cases' words.
    word = models.ForeignKey(
        NameWord, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    case = models.ForeignKey(Case, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False)

    objects = CaseNameWordQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["word", "case"], name="case_name_word_search")]

    def __str__(self) -> str:
        return f"{self.word_id} in {self.name_id}"


def index_spelling_words(sender, instance: CaseName, update_fields=None, **kwargs) -> None:
    """A post_save receiver, so that fixtures (saved raw) are searchable too."""
    if update_fields is None or {"search_key", "case"} & set(update_fields):
        CaseNameWord.objects.index([instance])


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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="testimonies", verbose_name=_("case"))
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
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


class CaseLink(models.Model):
    """Two people who are family: `relative` is the <relationship> of `case`."""

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("spouse")
        PARENT = "parent", _("parent")
        CHILD = "child", _("child")
        SIBLING = "sibling", _("sibling")
        COUSIN = "cousin", _("cousin")
        AUNT_OR_UNCLE = "aunt_uncle", _("aunt or uncle")
        NEPHEW_OR_NIECE = "nephew_niece", _("nephew or niece")
        OTHER = "other", _("other relative")

    INVERSE = {
        Relationship.PARENT: Relationship.CHILD,
        Relationship.CHILD: Relationship.PARENT,
        Relationship.AUNT_OR_UNCLE: Relationship.NEPHEW_OR_NIECE,
        Relationship.NEPHEW_OR_NIECE: Relationship.AUNT_OR_UNCLE,
    }
    # Where the relative's gender is known, say "mother" rather than "parent".
    GENDERED = {
        (Relationship.SPOUSE, Case.Gender.FEMALE): _("wife"),
        (Relationship.SPOUSE, Case.Gender.MALE): _("husband"),
        (Relationship.PARENT, Case.Gender.FEMALE): _("mother"),
        (Relationship.PARENT, Case.Gender.MALE): _("father"),
        (Relationship.CHILD, Case.Gender.FEMALE): _("daughter"),
        (Relationship.CHILD, Case.Gender.MALE): _("son"),
        (Relationship.SIBLING, Case.Gender.FEMALE): _("sister"),
        (Relationship.SIBLING, Case.Gender.MALE): _("brother"),
        (Relationship.AUNT_OR_UNCLE, Case.Gender.FEMALE): _("aunt"),
        (Relationship.AUNT_OR_UNCLE, Case.Gender.MALE): _("uncle"),
        (Relationship.NEPHEW_OR_NIECE, Case.Gender.FEMALE): _("niece"),
        (Relationship.NEPHEW_OR_NIECE, Case.Gender.MALE): _("nephew"),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from", verbose_name=_("person"))
    relative = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to", verbose_name=_("relative"))
    relationship = models.CharField(_("the relative is their"), max_length=16, choices=Relationship)
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(fields=["case", "relative"], name="case_link_once"),
            models.CheckConstraint(condition=~Q(case=models.F("relative")), name="case_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.relative} — {self.relative_label()} — {self.case}"

    @classmethod
    def label_for(cls, relationship: str, gender: str) -> str:
        return str(cls.GENDERED.get((relationship, gender), cls.Relationship(relationship).label))

    def relative_label(self) -> str:
        """What `relative` is to `case`."""
        return self.label_for(self.relationship, self.relative.gender)

    def inverse_label(self) -> str:
        """What `case` is to `relative`."""
        return self.label_for(self.INVERSE.get(self.relationship, self.relationship), self.case.gender)


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

    REFUSALS = {
        "public": _("This figure is already public."),
        "waiting": _("This figure is already waiting for approval."),
        "not_submitted": _("Only a figure submitted for publication can be approved."),
        "own": _("A second person must approve a figure: you cannot approve your own."),
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


class CaseText(models.Model):
    """The public summary of a case in another language than its original."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="texts", verbose_name=_("case"))
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    summary = models.TextField(_("public summary"), max_length=10_000, help_text=_("Markdown."))

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["case", "language"], name="case_text_once_per_language")]

    def __str__(self) -> str:
        return f"{self.case} ({self.language})"


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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("case"))
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


# --- Identifiers in other databases (issue 17, branch cases-extras) -----------


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


# --- Addresses of cases no longer public (issue 17, branch cases-extras) ------


class RetiredCaseAddressQuerySet(models.QuerySet):
    def retire(self, reference: str, *, now: datetime.datetime | None = None) -> None:
        """The address stops showing a person who was public there: it answers
        410 Gone from now on, until a public case holds it again."""
        self.update_or_create(reference=reference, defaults={"retired_at": now or timezone.now()})


class RetiredCaseAddress(models.Model):
    """The public reference of a person who was public and no longer is
    (unpublished, deleted, or given a new reference because the old one put
    someone at risk). Only the reference is kept, which the address already
    carried: the neutral 410 page it serves names nobody. A reference that
    was never public has no row here and stays a plain 404."""

    reference = models.SlugField(_("public reference"), max_length=80, unique=True)
    retired_at = models.DateTimeField(_("no longer public since"), default=timezone.now)

    objects = RetiredCaseAddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("retired case address")
        verbose_name_plural = _("retired case addresses")

    def __str__(self) -> str:
        return self.reference


def retire_deleted_public_case(sender, instance: Case, **kwargs) -> None:
    """A post_delete receiver, so that the admin's bulk deletion (which never
    calls Case.delete) retires the addresses too."""
    if instance.visibility == Visibility.PUBLIC:
        RetiredCaseAddress.objects.retire(instance.reference)


# --- Bulk import from CSV (issue 17, branch cases-extras) ---------------------


class CaseImportQuerySet(models.QuerySet):
    def expired(self, *, now: datetime.datetime | None = None) -> CaseImportQuerySet:
        return self.filter(
            state=CaseImport.State.WAITING, uploaded_at__lt=(now or timezone.now()) - CaseImport.KEPT_FOR
        )

    def waiting_for(self, user, *, now: datetime.datetime | None = None) -> CaseImportQuerySet:
        """The uploads `user` may still confirm: their own, unexpired, not yet done."""
        return self.filter(
            uploaded_by=user,
            state=CaseImport.State.WAITING,
            uploaded_at__gte=(now or timezone.now()) - CaseImport.KEPT_FOR,
        )


class CaseImport(models.Model):
    """An uploaded CSV file of people, parsed and checked (cases.case_csv),
    kept on the server until its uploader confirms it or it expires: what
    the preview showed is exactly what is created. Rows hold the checked
    values; nothing else of the file is kept."""

    KEPT_FOR = datetime.timedelta(hours=2)

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.WAITING)
    # [{"line": 2, "values": {...}, "errors": [...], "lookalikes": [case ids], "same_as_line": 3 | None}]
    rows = models.JSONField(_("rows"), default=list)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = CaseImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name or gettext("Import #%(pk)s") % {"pk": self.pk}


# --- Photos (issue 17, branch photos) -------------------------------------------


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
    re-encoded sizes core.images renders (never the file as uploaded). It is
    shown publicly only when the family consents, it has alt text, and a
    second case editor approved it; its files are in the public photo storage
    exactly while it is published, in the private storage always."""

    REFUSALS = {
        "public": _("This photo is already public."),
        "waiting": _("This photo is already waiting for approval."),
        "not_submitted": _("Only a photo submitted for publication can be approved."),
        "own": _("A second case editor must approve a photo: you cannot approve your own."),
        "not_public": _("Only a public photo can be taken down."),
    }

    class Consent(models.TextChoices):
        PUBLIC = "public", _("May be shown publicly")
        INTERNAL = "internal", _("Case editors only, never published")

    # Random: the files' names start with it, so a URL says nothing about the
    # case or how many photos there are.
    key = models.CharField(max_length=32, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos", verbose_name=_("case"))
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


# --- Intake: what families send (issue 17) ---------------------------------------


def _private_storage():
    # By name, as petitions.uploads configures it: cases imports no petitions code.
    from django.core.files.storage import storages

    return storages["private"]


class SubmissionQuerySet(models.QuerySet):
    def still_open(self) -> SubmissionQuerySet:
        return self.filter(state__in=Submission.OPEN_STATES)

    def queue_order(self) -> SubmissionQuerySet:
        """Open removal requests first, then newest: a flood of junk cannot
        push a family's request to be taken down out of sight."""
        urgent_open = Q(urgent=True, state__in=Submission.OPEN_STATES)
        return self.alias(
            first=models.Case(models.When(urgent_open, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("first", "-created_at", "-pk")

    def with_contact(self) -> SubmissionQuerySet:
        # Sealed columns compare only with "": an empty one means "not given".
        return self.filter(~Q(contact_email="") | ~Q(contact_other=""))

    def without_contact(self) -> SubmissionQuerySet:
        return self.filter(contact_email="", contact_other="")


class Submission(models.Model):
    """What someone sent through a public form: a person to document
    ("Tell us about someone"), or a correction or removal request about a
    public case. Never public. Case editors handle it in the intake queue;
    nothing here changes a case by itself."""

    class Kind(models.TextChoices):
        NEW_CASE = "case", _("Someone to document")
        CORRECTION = "correction", _("Correction request")
        REMOVAL = "removal", _("Removal request")

    class State(models.TextChoices):
        NEW = "new", _("New")
        DUPLICATE = "duplicate", _("Possible duplicate")
        WAITING = "waiting", _("Asked for more information")
        CONVERTED = "converted", _("Turned into a draft case")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (State.NEW, State.DUPLICATE, State.WAITING)

    class Publication(models.TextChoices):
        NOTHING = "nothing", _("Nothing: this is for the organisers only")
        ANONYMOUS = "anonymous", _("An anonymous summary, without names")
        NAMED = "named", _("Their name and story")
        PHOTO = "photo", _("Their name and story, with a photo")

    class CloseReason(models.TextChoices):
        JUNK = "junk", _("Junk or abuse")
        DUPLICATE = "duplicate", _("Already documented")
        WITHDRAWN = "withdrawn", _("Withdrawn by the person who sent it")
        HANDLED = "handled", _("Handled: the case was corrected or the request answered")
        NO_REPLY = "no_reply", _("No reply to our questions")
        OTHER = "other", _("Other")

    # The consent a draft case's testimony carries for each wish.
    TESTIMONY_CONSENT = {
        Publication.NOTHING: Testimony.Consent.INTERNAL,
        Publication.ANONYMOUS: Testimony.Consent.ANONYMOUS,
        Publication.NAMED: Testimony.Consent.NAMED,
        Publication.PHOTO: Testimony.Consent.NAMED,
    }
    # Spellings by script, as a draft case's names take them.
    NAME_FIELDS = {
        "name_latin": CaseName.Script.LATIN,
        "name_arabic": CaseName.Script.ARABIC,
        "name_cyrillic": CaseName.Script.CYRILLIC,
        "name_chinese": CaseName.Script.CHINESE,
    }

    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.NEW_CASE)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.NEW)
    urgent = models.BooleanField(_("urgent"), default=False)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests",
        verbose_name=_("case the request is about"),
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("possible duplicate of"),
    )  # fmt: skip
    draft = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("draft case")
    )
    language = models.CharField(_("language of the form"), max_length=16, choices=settings.LANGUAGES)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    name_arabic = models.CharField(_("name in Arabic script"), max_length=200, blank=True)
    name_cyrillic = models.CharField(_("name in Cyrillic"), max_length=200, blank=True)
    name_chinese = models.CharField(_("name in Chinese characters"), max_length=200, blank=True)
    relationship = models.CharField(
        _("relationship of the sender"), max_length=16, choices=Testimony.Relationship, blank=True
    )
    hometown = models.CharField(_("hometown"), max_length=200, blank=True)
    # The person's entry in another database, if the family knows one: the
    # surest sign of someone already documented (cases_with_identifier).
    identifier_database = models.CharField(
        _("other database"), max_length=16, choices=CaseIdentifier.Database, blank=True
    )
    identifier_database_name = models.CharField(_("name of the other database"), max_length=200, blank=True)
    identifier = models.CharField(_("entry number or web address"), max_length=500, blank=True)
    detained_year = models.PositiveSmallIntegerField(_("year taken"), null=True, blank=True)
    detained_month = models.PositiveSmallIntegerField(_("month taken"), null=True, blank=True)
    last_contact_year = models.PositiveSmallIntegerField(_("year of last contact"), null=True, blank=True)
    last_contact_month = models.PositiveSmallIntegerField(_("month of last contact"), null=True, blank=True)
    # What happened (or, for a request, what is wrong and why), and how to
    # reach the sender: sealed at rest (core.encryption).
    account = EncryptedTextField(_("what they told us"), blank=True)
    publication = models.CharField(
        _("what the family wants published"), max_length=16, choices=Publication, default=Publication.NOTHING
    )
    contact_name = EncryptedTextField(_("sender's name"), blank=True)
    contact_email = EncryptedTextField(_("sender's email"), blank=True)
    contact_other = EncryptedTextField(_("sender's phone or messaging account"), blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("last handled by"),
    )  # fmt: skip
    handled_at = models.DateTimeField(_("last handled"), null=True, blank=True)
    close_reason = models.CharField(_("why it was closed"), max_length=16, choices=CloseReason, blank=True)
    editor_note = models.TextField(_("editors' note"), max_length=2_000, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "urgent", "created_at"], name="submission_queue")]

    def __str__(self) -> str:
        return gettext("Submission #%(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def names(self) -> list[tuple[str, str]]:
        """(script, spelling) of every name given."""
        return [(script, getattr(self, field)) for field, script in self.NAME_FIELDS.items() if getattr(self, field)]

    @property
    def labelled_names(self) -> list[tuple[str, str]]:
        return [(CaseName.Script(script).label, text) for script, text in self.names]

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_other)

    @property
    def title(self) -> str:
        if self.kind != self.Kind.NEW_CASE and self.case_id:
            return str(self.case)
        return " / ".join(text for _script, text in self.names) or gettext("No name given")

    def _handled(self, *, by, state: str, now: datetime.datetime | None, fields: list[str]) -> None:
        if not self.is_open:
            raise InvalidTransition(gettext("This submission is no longer open."))
        self.state, self.handled_by, self.handled_at = state, by, now or timezone.now()
        self.save(update_fields=["state", "handled_by", "handled_at", *fields])

    def mark_duplicate(self, *, of: Case, by, now: datetime.datetime | None = None) -> None:
        self.duplicate_of = of
        self._handled(by=by, state=self.State.DUPLICATE, now=now, fields=["duplicate_of"])

    def mark_waiting(self, *, by, now: datetime.datetime | None = None) -> None:
        if not self.contact_email:
            raise InvalidTransition(gettext("The sender gave no email address: there is no one to ask."))
        self._handled(by=by, state=self.State.WAITING, now=now, fields=[])

    def mark_converted(self, *, draft: Case, by, now: datetime.datetime | None = None) -> None:
        if self.kind != self.Kind.NEW_CASE:
            raise InvalidTransition(gettext("Only a submission about someone new can become a draft case."))
        self.draft = draft
        self._handled(by=by, state=self.State.CONVERTED, now=now, fields=["draft"])

    def close(self, *, reason: str, note: str = "", by, now: datetime.datetime | None = None) -> None:
        self.close_reason, self.editor_note = reason, note
        self._handled(by=by, state=self.State.CLOSED, now=now, fields=["close_reason", "editor_note"])


def _submission_file_path(instance: SubmissionFile, filename: str) -> str:
    # The name the sender's device gave the file can say who they are: a fresh one.
    import uuid

    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"submissions/{uuid.uuid4().hex}.{suffix}"


class SubmissionFile(models.Model):
    """A photo or document sent with a submission: kept in the private
    storage and served only to case editors. Converting the submission into
    a draft case copies its pictures into the draft's photos (cases.intake)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_submission_file_path, storage=_private_storage, max_length=200)
    content_type = models.CharField(max_length=40, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("file sent with a submission")
        verbose_name_plural = _("files sent with submissions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
