"""People whose cases the petitions fight for, documented the way rights groups do
(HURIDOCS events, the Xinjiang Victims Database): one person per case, every
spelling of their name, their family and their public summary in other languages."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Func, IntegerField, Prefetch, Q, Value
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.models.events import Event, Source
from cases.models.photos import Photo
from cases.models.publication import ReviewedPublication, Visibility, content_fingerprint
from cases.models.testimonies import Testimony
from cases.partial_dates import DatePrecision, format_partial_date, last_heard_phrase
from cases.search_keys import key_words, name_search_key
from core.bidi import isolated
from core.cache_refresh import forget_now_and_on_commit
from core.content_languages import LocalText, choose, translations_of
from core.validators import reject_control_characters

# The case list's filter options (cases.views.filter_options): cached for at
# most this long in each process; a change to a case forgets them at once in
# this process and in a shared cache.
FILTER_OPTIONS_CACHE_KEY = "cases:filter-options"
FILTER_OPTIONS_SECONDS = 30


def forget_filter_options() -> None:
    forget_now_and_on_commit(FILTER_OPTIONS_CACHE_KEY)


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

    def review_fingerprint(self) -> str:
        """Everything the case's page can show, as the database holds it now
        (cases.revisions.snapshot), fingerprinted."""
        from cases.revisions import snapshot  # the snapshot reads every part of a case

        return content_fingerprint(snapshot(self))

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
            # Isolated: "(wife of Mian Shahid Ilyas)" in an Urdu sentence keeps its brackets in place.
            return gettext("Name not reported (%(description)s)") % {"description": isolated(self.unnamed_description)}
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
