from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.roles import PetitionRole
from core.content_languages import LocalText, choose, translations_of
from core.encryption import EncryptedTextField
from petitions import counting, page_cache, transparency
from petitions.export_keys import validate_age_recipient
from petitions.goals import last_milestone, next_goal
from petitions.uploads import private_storage


class InvalidTransition(Exception):
    """A state change asked of a record that is not in a state it starts from."""


class CountIsFinal(InvalidTransition):
    """The change would raise the count of a petition whose count is final."""


class Phase(models.TextChoices):
    """Where a petition is in its life, as far as its count is concerned."""

    DRAFT = "draft", _("Draft: nobody can see or sign it")
    SIGNING = "signing", _("Taking signatures")
    # Signatures made before closing may still be confirmed and counted.
    CONFIRMING = "confirming", _("Closed: late confirmations still count")
    FINAL = "final", _("Closed: the count is final")


class PetitionQuerySet(models.QuerySet):
    def published(self) -> PetitionQuerySet:
        """Petitions the public may see: open ones and those that have closed."""
        return self.filter(status__in=Petition.PUBLISHED_STATES)

    def open(self, *, now: datetime.datetime | None = None) -> PetitionQuerySet:
        """Taking signatures: open and not past its closing date."""
        now = now or timezone.now()
        return self.filter(status=Petition.Status.OPEN).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))

    def finished(self, *, now: datetime.datetime | None = None) -> PetitionQuerySet:
        """Published petitions that no longer take signatures, victories included:
        closed by an organiser, or past their closing date."""
        now = now or timezone.now()
        return self.filter(Q(status__in=Petition.FINISHED_STATES) | Q(status=Petition.Status.OPEN, closes_at__lte=now))

    def closed_without_victory(self, *, now: datetime.datetime | None = None) -> PetitionQuerySet:
        return self.finished(now=now).exclude(status=Petition.Status.VICTORY)

    def victories(self) -> PetitionQuerySet:
        return self.filter(status=Petition.Status.VICTORY)

    def search(self, query: str) -> PetitionQuerySet:
        """Petitions whose title or summary holds `query`, in the original or
        in any of its translations. Pass a cleaned query (core.search_query.clean_query)."""
        if not query:
            return self
        in_translation = PetitionText.objects.filter(petition=models.OuterRef("pk")).filter(
            Q(title__icontains=query) | Q(summary__icontains=query)
        )
        return self.filter(Q(title__icontains=query) | Q(summary__icontains=query) | models.Exists(in_translation))

    def past_closing_date(self, *, now: datetime.datetime | None = None) -> PetitionQuerySet:
        """Still "open" to its organisers, but its closing date has passed: it
        takes no signatures, and the public sees it as closed."""
        return self.filter(status=Petition.Status.OPEN, closes_at__lte=now or timezone.now())

    @staticmethod
    def _ended_by(when: datetime.datetime) -> Q:
        return Q(closed_at__lte=when) | Q(closes_at__lte=when)

    def ended_by(self, when: datetime.datetime) -> PetitionQuerySet:
        """Published petitions that stopped taking signatures at or before
        `when`: closed, won, or open but past their closing date
        (Petition.signing_ended_at)."""
        return self.published().filter(self._ended_by(when))

    def count_moves(self, *, now: datetime.datetime | None = None) -> PetitionQuerySet:
        """Published petitions whose count may still go up: taking signatures,
        or stopped less than PLEA_CONFIRM_GRACE_HOURS ago (Petition.phase)."""
        now = now or timezone.now()
        return self.published().exclude(self._ended_by(now - Petition.confirm_grace()))

    def for_signing(self, slug: str) -> Petition | None:
        """The published petition at `slug` with only what a sign POST reads
        (id, slug, status, closing date; other fields are deferred), or None.

        Written out because the sign POST is the hottest write: building the
        ORM query cost more than the round trip. The rule is `published()`'s;
        tests/petitions/test_signing_sql.py holds the two to the same answer.
        """
        connection = connections[self.db]
        meta = Petition._meta
        fields = [meta.get_field(name) for name in ("id", "slug", "status", "closes_at")]
        quote = connection.ops.quote_name
        states = ", ".join(["%s"] * len(Petition.PUBLISHED_STATES))
        sql = (
            f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(meta.db_table)}"
            f" WHERE {quote(meta.get_field('slug').column)} = %s AND {quote(meta.get_field('status').column)}"
            f" IN ({states})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [slug, *Petition.PUBLISHED_STATES])
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for field, value in zip(fields, row, strict=True):
            col = field.get_col(meta.db_table)
            for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
                value = convert(value, col, connection)
            values.append(value)
        return Petition.from_db(self.db, [field.attname for field in fields], values)

    def most_signed(self) -> PetitionQuerySet:
        return self.order_by("-signature_count", F("opened_at").desc(nulls_last=True), "-pk")

    def newest(self) -> PetitionQuerySet:
        return self.order_by(F("opened_at").desc(nulls_last=True), "-pk")

    def organised_by(self, user, *, roles: tuple[str, ...] | None = None) -> PetitionQuerySet:
        """The petitions `user` may run, optionally only those where they hold
        one of `roles`. Staff may run every petition; anonymous users none.
        Every organiser view looks its petition up through this, so an
        organiser of another petition gets a 404, not a 403 that confirms it exists."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:  # site staff: Django's is_staff only opens the admin
            return self.all()
        held = Organiser.objects.filter(user=user)
        if roles is not None:
            held = held.filter(role__in=roles)
        return self.filter(pk__in=held.values("petition_id"))


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        VICTORY = "victory", _("Victory")

    PUBLISHED_STATES = (Status.OPEN, Status.CLOSED, Status.VICTORY)
    # Signing has ended for good: the count is what gets delivered.
    FINISHED_STATES = (Status.CLOSED, Status.VICTORY)
    # What organisers may still do to the text: a finished petition's wording
    # is part of the record and stays as it was delivered.
    EDITABLE_STATES = (Status.DRAFT, Status.OPEN)

    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    addressed_to = models.CharField(_("addressed to"), max_length=200)
    organiser_name = models.CharField(
        _("organiser"), max_length=200, help_text=_("The person or group the public sees as the organiser.")
    )
    story = models.TextField(_("story"), max_length=20_000, help_text=_("Markdown."))
    language = models.CharField(
        _("language of the text"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    goal = models.PositiveIntegerField(
        _("fixed goal"),
        null=True,
        blank=True,
        help_text=_("Leave empty to let the goal climb as support grows (100, 200, 500, 1,000 …)."),
    )
    # Maintained by petitions.counting in the same transaction as every change
    # that moves a signature in or out of the count; `manage.py recount` checks it.
    signature_count = models.PositiveIntegerField(_("signatures"), default=0, editable=False)
    # The sum of the petition's paper batches, moved by petitions.paper in the
    # same transaction as the batch; `manage.py recount` checks it too.
    paper_signature_count = models.PositiveIntegerField(_("signatures on paper"), default=0, editable=False)
    paper_changed_at = models.DateTimeField(_("paper total last changed"), null=True, blank=True, editable=False)
    # How many entries the petition's transparency log holds: the next entry's
    # index, taken under this row's lock in the transaction that appends it
    # (petitions.transparency), so indexes are dense and in commit order.
    log_size = models.PositiveBigIntegerField(default=0, editable=False)
    closes_at = models.DateTimeField(
        _("closing date"), null=True, blank=True, help_text=_("Signing stops by itself at this time.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    victory_note = models.TextField(
        _("victory note"), max_length=5_000, blank=True, help_text=_("What was won, in a few sentences. Markdown.")
    )
    # What marks the win: a response from the addressee, or an organisers' update.
    victory_response = models.ForeignKey(
        "OfficialResponse", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    victory_update = models.ForeignKey(
        "PetitionUpdate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # When an organiser last changed the public text; the page says so when
    # that happened after opening, so signers know what they signed may differ.
    text_changed_at = models.DateTimeField(_("text last changed"), null=True, blank=True, editable=False)
    # An age public key of the owner's: the export of signers' addresses is
    # encrypted to it (petitions.export_keys). Empty: exported as plain CSV.
    export_recipient = models.CharField(
        _("age public key for address exports"),
        max_length=100,
        blank=True,
        default="",
        db_default="",  # bulk loaders (bench/generate_data) need not know the column
        validators=[validate_age_recipient],
        help_text=_("Starts with age1. The export of signers' addresses is encrypted to it."),
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Organiser", related_name="organised_petitions", blank=True
    )
    cases = models.ManyToManyField(
        "cases.Case", related_name="petitions", blank=True, verbose_name=_("people this petition fights for")
    )

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [models.Index(fields=["status", "-signature_count"], name="petition_status_count")]
        constraints = [
            models.CheckConstraint(condition=Q(goal__isnull=True) | Q(goal__gt=0), name="petition_goal_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.forget_cached_page()

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"slug": self.slug})

    @property
    def local(self) -> LocalText:
        """Title, summary and story in the reader's language, or the original's.
        Uses prefetched `texts` where the view fetched them."""
        return choose(
            original_language=self.language,
            original={"title": self.title, "summary": self.summary, "story": self.story},
            translations=translations_of(self.texts, ["title", "summary", "story"]),
        )

    def forget_cached_page(self) -> None:
        """Strangers see the page from a short cache (petitions.page_cache);
        a change to the petition shows at once."""
        page_cache.forget_now_and_on_commit(slug=self.slug)

    @staticmethod
    def confirm_grace() -> datetime.timedelta:
        return datetime.timedelta(hours=settings.PLEA_CONFIRM_GRACE_HOURS)

    def accepts_signatures(self, *, now: datetime.datetime | None = None) -> bool:
        return self.status == self.Status.OPEN and not self.is_past_closing_date(now=now)

    def is_past_closing_date(self, *, now: datetime.datetime | None = None) -> bool:
        """Open, but its closing date has passed (PetitionQuerySet.past_closing_date)."""
        return (
            self.status == self.Status.OPEN and self.closes_at is not None and self.closes_at <= (now or timezone.now())
        )

    def is_closed(self, *, now: datetime.datetime | None = None) -> bool:
        """Finished: closed, won, or open but past its closing date."""
        return self.status in self.FINISHED_STATES or self.is_past_closing_date(now=now)

    def signing_ended_at(self, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
        """When the petition stopped taking signatures, or None while it takes
        them (PetitionQuerySet.ended_by says the same in SQL)."""
        if self.status not in self.PUBLISHED_STATES:
            return None
        now = now or timezone.now()
        ends = [moment for moment in (self.closed_at, self.closes_at) if moment is not None and moment <= now]
        return min(ends) if ends else None

    def phase(self, *, now: datetime.datetime | None = None) -> Phase:
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return Phase.DRAFT
        ended = self.signing_ended_at(now=now)
        if ended is None:
            return Phase.SIGNING
        return Phase.CONFIRMING if now < ended + self.confirm_grace() else Phase.FINAL

    def count_is_final(self, *, now: datetime.datetime | None = None) -> bool:
        """Nothing raises the count any more: no confirmation, no reinstatement."""
        return self.phase(now=now) is Phase.FINAL

    def confirmations_end_at(self, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
        ended = self.signing_ended_at(now=now)
        return None if ended is None else ended + self.confirm_grace()

    @property
    def changed_after_opening(self) -> bool:
        return bool(self.opened_at and self.text_changed_at and self.text_changed_at > self.opened_at)

    @property
    def total_signature_count(self) -> int:
        """Online and on paper: what the goal ladder climbs and what gets delivered."""
        return self.signature_count + self.paper_signature_count

    @property
    def next_goal(self) -> int:
        return next_goal(self.total_signature_count, fixed_goal=self.goal)

    @property
    def last_milestone(self) -> int | None:
        return last_milestone(self.total_signature_count)

    def paper_accepted_until(self) -> datetime.date | None:
        """The last day paper signatures may have been gathered: the day the
        petition closed (or its closing date passed); None while it is open."""
        if self.closed_at:
            return self.closed_at.date()
        if self.closes_at and self.closes_at <= timezone.now():
            return self.closes_at.date()
        return None

    def open(self, *, now: datetime.datetime | None = None) -> None:
        if self.status != self.Status.DRAFT:
            raise InvalidTransition(_("Only a draft petition can be opened."))
        self.status = self.Status.OPEN
        self.opened_at = now or timezone.now()
        self.save(update_fields=["status", "opened_at"])

    def close(self, *, now: datetime.datetime | None = None) -> None:
        if self.status != self.Status.OPEN:
            raise InvalidTransition(_("Only an open petition can be closed."))
        self.status = self.Status.CLOSED
        self.closed_at = now or timezone.now()
        self.save(update_fields=["status", "closed_at"])

    def declare_victory(self, *, note: str, now: datetime.datetime | None = None) -> None:
        """The campaign won. From open (signing stops now) or closed."""
        if self.status not in (self.Status.OPEN, self.Status.CLOSED):
            raise InvalidTransition(_("Only an open or closed petition can be declared a victory."))
        if not note.strip():
            raise InvalidTransition(_("Say in a few words what was won."))
        self.status = self.Status.VICTORY
        self.victory_note = note
        self.closed_at = self.closed_at or now or timezone.now()
        self.save(update_fields=["status", "victory_note", "closed_at"])

    def link_victory(self, *, response: OfficialResponse | None = None, update: PetitionUpdate | None = None) -> None:
        """Point the victory at the response or update that marks the win (or at nothing)."""
        if self.status != self.Status.VICTORY:
            raise InvalidTransition(_("Declare the victory first, then say what marks it."))
        if response is not None and update is not None:
            raise InvalidTransition(_("Choose one response or one update."))
        for record in (response, update):
            if record is not None and record.petition_id != self.pk:
                raise InvalidTransition(_("That response or update belongs to another petition. Nothing was changed."))
        self.victory_response, self.victory_update = response, update
        self.save(update_fields=["victory_response", "victory_update"])


class PetitionText(models.Model):
    """A petition's title, summary and story in another language."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    story = models.TextField(_("story"), max_length=20_000, help_text=_("Markdown."))

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["petition", "language"], name="petition_text_once_per_language")]

    def __str__(self) -> str:
        return f"{self.petition} ({self.language})"


class Organiser(models.Model):
    """A person who runs a petition, and what they may do on it."""

    Role = PetitionRole

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="petition_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MODERATOR)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="organiser_once_per_petition")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) — {self.petition}"


class SignatureState(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INVALIDATED = "invalidated", _("Invalidated")


class InvalidationReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    FRAUD = "fraud", _("Fraud")


# Hiding, restoring, reviewing and invalidating start from these states.
MODERATABLE_STATES = (SignatureState.PENDING, SignatureState.CONFIRMED)

# What waits for moderation: counted signatures showing a name and reason to
# the public that no organiser has looked at yet. The queryset, the partial
# index that makes counting them cheap, and the dashboard all use this.
WAITING_FOR_REVIEW = Q(state=SignatureState.CONFIRMED, show_publicly=True, hidden=False, reviewed_at__isnull=True) & ~Q(
    reason=""
)


# The address is kept after confirmation only for updates (Signature.email);
# counting.confirm_one writes the same in SQL.
KEPT_AFTER_CONFIRMING = {
    "email": models.Case(
        models.When(wants_updates=True, then=F("email")), default=models.Value(""), output_field=models.TextField()
    ),
}


@dataclass(frozen=True)
class Moved:
    """What a transition changed: how many signatures, and how the public
    count moved (negative when signatures left it)."""

    changed: int = 0
    count_delta: int = 0

    def __add__(self, other: Moved) -> Moved:
        return Moved(changed=self.changed + other.changed, count_delta=self.count_delta + other.count_delta)


@dataclass(frozen=True)
class Step:
    """Part of a transition: the signatures in a state it starts from, what
    they become, and how each moves its petition's count."""

    starts_from: Q
    changes: dict[str, Any]
    delta: int = 0
    # Why signatures leaving the count do (transparency.REASONS), for the log.
    revoked_as: str = ""
    # Applies only where the petition's count may still move (Petition.phase).
    # Anything that raises the count is held to that anyway.
    only_while_count_moves: bool = False


class SignatureQuerySet(models.QuerySet):
    def counted(self) -> SignatureQuerySet:
        """The signatures in the public count: confirmed and not invalidated."""
        return self.filter(state=Signature.State.CONFIRMED)

    def confirmation_undelivered(self) -> SignatureQuerySet:
        """Pending signatures whose confirmation link the mail server would not take."""
        return self.filter(state=Signature.State.PENDING, mail_failed_at__isnull=False)

    def to_review(self) -> SignatureQuerySet:
        return self.filter(WAITING_FOR_REVIEW)

    def with_personal_data(self) -> SignatureQuerySet:
        """Signatures that still hold something Signature.PERSONAL_FIELDS erases."""
        keeps = Q()
        for name, erased in Signature.PERSONAL_FIELDS.items():
            keeps |= Q(**{f"{name}__isnull": False}) if erased is None else ~Q(**{name: erased})
        return self.filter(keeps)

    def with_expired_fraud_signals(self, *, now: datetime.datetime | None = None) -> SignatureQuerySet:
        """Signatures signed longer than PLEA_FRAUD_REVIEW_DAYS ago that still
        hold a network hash or an email domain."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.PLEA_FRAUD_REVIEW_DAYS)
        return self.filter(created_at__lt=cutoff).exclude(ip_hash="", email_domain="")

    def unsubscribe(self) -> int:
        """No more updates, and so no address once confirmed: a signature still
        waiting for confirmation keeps it for its link and reminders."""
        return self.update(
            wants_updates=False,
            email=models.Case(
                models.When(state=SignatureState.PENDING, then=F("email")),
                default=models.Value(""),
                output_field=models.TextField(),
            ),
        )

    def public_signers(self) -> models.QuerySet:
        """What the public may see of counted signatures, newest first.

        Returns plain rows with only the public columns, so an email address or
        IP hash can never reach a template by accident. Name, reason and
        country are empty unless the signer chose to be shown and no organiser
        hid them (a country with few signers can name someone); the time is
        only the day (`confirmed_on`).
        """
        shown = Q(show_publicly=True, hidden=False)
        return (
            self.counted()
            .order_by("-confirmed_at", "-pk")
            .values(confirmed_on=TruncDate("confirmed_at"))
            .annotate(
                public_name=models.Case(
                    models.When(shown, then="full_name"), default=models.Value(""), output_field=models.CharField()
                ),
                public_country=models.Case(
                    models.When(shown, then="country"), default=models.Value(""), output_field=models.CharField()
                ),
                public_reason=models.Case(
                    models.When(shown, then="reason"), default=models.Value(""), output_field=models.TextField()
                ),
            )
        )

    # Transitions. Each works on one signature or many, changes only the rows
    # in a state it starts from, and returns what it changed. With
    # dry_run=True it changes nothing and says what it would change (for
    # previews). Once a petition's count is final (Petition.phase), nothing
    # that would raise it applies to that petition's signatures.

    def confirm(self, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Moved:
        now = now or timezone.now()
        State = Signature.State
        # A new count shows on the cached page within seconds: clearing it at
        # every confirmation would defeat the cache in a surge.
        return self._move(
            [
                Step(
                    Q(state=State.PENDING),
                    {"state": State.CONFIRMED, "confirmed_at": now, **KEPT_AFTER_CONFIRMING},
                    delta=1,
                )
            ],
            now=now,
            dry_run=dry_run,
            forget_page=False,
        )

    def withdraw(self, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Moved:
        """Take signatures back: they stop counting and their personal data
        goes. An invalidated signature can be withdrawn too: whatever an
        organiser thought of it, the signer may still have their data deleted."""
        now = now or timezone.now()
        State = Signature.State
        wiped = {**Signature.PERSONAL_FIELDS, "state": State.WITHDRAWN, "withdrawn_at": now}
        return self._move(
            [
                Step(Q(state=State.CONFIRMED), wiped, delta=-1, revoked_as="withdrawn"),
                Step(Q(state__in=(State.PENDING, State.INVALIDATED)), wiped),
            ],
            now=now,
            dry_run=dry_run,
        )

    def hide(self, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Moved:
        """Hide names and reasons from the public list; still counted."""
        now = now or timezone.now()
        return self._move(
            [Step(Q(state__in=MODERATABLE_STATES, hidden=False), {"hidden": True, "reviewed_at": now})],
            now=now,
            dry_run=dry_run,
        )

    def unhide(self, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Moved:
        now = now or timezone.now()
        return self._move(
            [Step(Q(state__in=MODERATABLE_STATES, hidden=True), {"hidden": False, "reviewed_at": now})],
            now=now,
            dry_run=dry_run,
        )

    def approve(self, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Moved:
        """An organiser looked at the public names and reasons and lets them stand."""
        now = now or timezone.now()
        # Nothing the public sees changes, so the cached page stays.
        return self._move(
            [Step(Q(state__in=MODERATABLE_STATES), {"reviewed_at": now})], now=now, dry_run=dry_run, forget_page=False
        )

    def invalidate(
        self, *, reason: InvalidationReason | str, now: datetime.datetime | None = None, dry_run: bool = False
    ) -> Moved:
        """Spam or fraud: no longer counted. Kept (not wiped) so they can be
        reviewed and, if it was a mistake, reinstated."""
        if reason not in InvalidationReason.values:
            raise InvalidTransition(_("Choose whether this is spam or fraud."))
        now = now or timezone.now()
        State = Signature.State
        changes = {"state": State.INVALIDATED, "invalidated_at": now, "invalidation_reason": reason}
        return self._move(
            [
                Step(Q(state=State.CONFIRMED), changes, delta=-1, revoked_as=reason),
                Step(Q(state=State.PENDING), changes),
            ],
            now=now,
            dry_run=dry_run,
        )

    def reinstate(self, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Moved:
        """Undo an invalidation: back to confirmed (and counted) if the signer
        had confirmed, otherwise back to waiting for confirmation."""
        now = now or timezone.now()
        State = Signature.State
        cleared = {"invalidated_at": None, "invalidation_reason": ""}
        invalidated = Q(state=State.INVALIDATED)
        return self._move(
            [
                Step(invalidated & Q(confirmed_at__isnull=False), {**cleared, "state": State.CONFIRMED}, delta=1),
                # Back to pending only while a confirmation could still count.
                Step(
                    invalidated & Q(confirmed_at__isnull=True),
                    {**cleared, "state": State.PENDING},
                    only_while_count_moves=True,
                ),
            ],
            now=now,
            dry_run=dry_run,
        )

    def _move(self, steps: list[Step], *, now: datetime.datetime, dry_run: bool, forget_page: bool = True) -> Moved:
        """Apply each step to the signatures here in a state it starts from.

        The conditional UPDATE below changes a signature's state everywhere
        but on the confirmation hot path, `counting.confirm_one`, which writes
        the same confirm step out in SQL (tests/petitions/test_counting_sql.py
        holds the two to the same answers); no other code updates a state. The
        row lock each takes makes two racing requests see one winner, on
        SQLite and PostgreSQL alike. Every signature row is
        updated before any count, in the same transaction, petition by
        petition so each count moves by what changed on it: a confirmation
        takes its signature's row and then its petition's, so taking them in
        that order here too means the two can never wait for each other."""
        counts_move = Petition.objects.count_moves(now=now).values("pk")
        rows = [
            self.filter(step.starts_from).filter(petition__in=counts_move)
            if step.delta > 0 or step.only_while_count_moves
            else self.filter(step.starts_from)
            for step in steps
        ]
        moved = Moved()
        if dry_run:
            for step, moving in zip(steps, rows, strict=True):
                changed = moving.count()
                moved += Moved(changed=changed, count_delta=step.delta * changed)
            return moved
        deltas: dict[int, int] = {}
        slugs: set[str] = set()
        logged: list[tuple[int, Step, list[int]]] = []
        with transaction.atomic():
            for step, moving in zip(steps, rows, strict=True):
                for petition_id, slug in list(
                    moving.order_by().values_list("petition_id", "petition__slug").distinct()
                ):
                    here = moving.filter(petition_id=petition_id)
                    if step.delta:
                        # The log names each signature that moves the count:
                        # lock them, then move exactly those.
                        ids = list(here.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
                        changed = sum(
                            Signature.objects.filter(pk__in=ids[i : i + 10_000]).update(**step.changes)
                            for i in range(0, len(ids), 10_000)
                        )
                        logged.append((petition_id, step, ids))
                    else:
                        changed = here.update(**step.changes)
                    if changed:
                        deltas[petition_id] = deltas.get(petition_id, 0) + step.delta * changed
                        slugs.add(slug)
                        moved += Moved(changed=changed, count_delta=step.delta * changed)
            # Every signature row is written before any petition row (below).
            for petition_id, step, ids in sorted(logged, key=lambda moved: moved[0]):
                if step.delta > 0:
                    transparency.record_counted(petition_id=petition_id, signature_ids=ids)
                else:
                    transparency.record_uncounted(petition_id=petition_id, signature_ids=ids, reason=step.revoked_as)
            for petition_id, delta in sorted(deltas.items()):
                if delta:
                    counting.record_change(petition_id=petition_id, delta=delta)
            if forget_page:  # a name or reason on the public list may change
                for slug in sorted(slugs):
                    page_cache.forget_now_and_on_commit(slug=slug)
        return moved


class ReviewFlag(models.TextChoices):
    """Why a signature was put before the organisers without anyone judging it yet."""

    SAME_MAILBOX = "same_mailbox", _("Same mailbox as an earlier signature")
    SIGNED_AGAIN = "signed_again", _("Signed again after withdrawing an invalidated signature")


class Signature(models.Model):
    Reason = InvalidationReason
    Flag = ReviewFlag
    State = SignatureState
    MODERATABLE_STATES = MODERATABLE_STATES
    # What withdrawal and retention erase, and what each becomes.
    PERSONAL_FIELDS: ClassVar[dict[str, Any]] = {
        "full_name": "",
        "email": "",
        "email_key": None,
        "email_domain": "",
        "country": "",
        "reason": "",
        "ip_hash": "",
        "show_publicly": False,
        "wants_updates": False,
    }

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING)
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    # Sealed at rest (core.encryption), and kept only while mail needs it:
    # until confirmation, and after it only for a signer who asked for
    # updates (erased when they unsubscribe or withdraw, or by retention).
    email = EncryptedTextField(_("email"), blank=True)
    # The keyed HMAC of the normalised address (petitions.email_keys.keyed);
    # NULL once withdrawn so the person may sign again. NULLs never collide in
    # a unique constraint.
    email_key = models.CharField(max_length=254, null=True, blank=True, editable=False)  # noqa: DJ001
    country = CountryField(_("country"), blank=True)
    reason = models.TextField(_("reason for signing"), max_length=500, blank=True)
    show_publicly = models.BooleanField(_("show name and reason publicly"), default=False)
    wants_updates = models.BooleanField(_("wants email updates"), default=False)
    hidden = models.BooleanField(_("hidden by an organiser"), default=False)
    # Set when an organiser hides, restores or approves the public name and reason.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    # The domain of the normalised address, for moderating by domain at
    # speed; with ip_hash, a fraud signal cleared after PLEA_FRAUD_REVIEW_DAYS.
    email_domain = models.CharField(max_length=254, blank=True, editable=False)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True, editable=False)
    invalidation_reason = models.CharField(
        _("invalidated as"), max_length=16, choices=InvalidationReason, blank=True, editable=False
    )
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(max_length=16, blank=True, editable=False)
    created_at = models.DateTimeField(_("signed"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    last_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last mail to this signer (a confirmation link) could not be handed over.
    mail_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A database default: bulk loaders (bench/generate_data) need not know the column.
    review_flag = models.CharField(
        _("flagged"), max_length=16, choices=ReviewFlag, blank=True, default="", db_default="", editable=False
    )
    # Set when recomputed email keys found an earlier signature from the same
    # mailbox (migration 0010): this one keeps counting until organisers decide.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["petition", "email_key"], name="signature_one_per_person"),
        ]
        indexes = [
            models.Index(fields=["petition", "state", "-confirmed_at"], name="signature_public_list"),
            # The organisers' list: by state and date, by date alone, and the
            # bulk-moderation rules (an email domain; an IP hash in a window).
            models.Index(fields=["petition", "state", "-created_at"], name="signature_org_state"),
            models.Index(fields=["petition", "-created_at"], name="signature_org_recent"),
            # A domain with a state and recent days reads only those entries;
            # with the domain alone, a capped count was a sequential scan
            # (figures in bench/README.md).
            models.Index(
                fields=["petition", "email_domain", "state", "-created_at"], name="signature_org_domain_state"
            ),
            models.Index(fields=["petition", "ip_hash", "created_at"], name="signature_org_ip"),
            # What waits for moderation (WAITING_FOR_REVIEW): its count reads
            # only these entries instead of walking the petition's confirmed
            # signatures testing each (figures in bench/README.md).
            models.Index(
                fields=["petition", "-created_at"],
                condition=WAITING_FOR_REVIEW,
                name="signature_to_review",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.petition_id} ({self.state})"

    @property
    def fraud_signals_expire_at(self) -> datetime.datetime:
        """When the retention job clears this signature's network hash and email domain."""
        return self.created_at + datetime.timedelta(days=settings.PLEA_FRAUD_REVIEW_DAYS)

    @property
    def fraud_signals_expired(self) -> bool:
        return self.fraud_signals_expire_at <= timezone.now()

    # One signature's transitions: the queryset's, for this row, raising
    # InvalidTransition (with a message for people) when it does not apply.

    def _one(self) -> SignatureQuerySet:
        return Signature.objects.filter(pk=self.pk)

    def _refused(self, message: str) -> InvalidTransition:
        self.refresh_from_db()
        return InvalidTransition(message)

    def confirm(self, *, now: datetime.datetime | None = None, secret: bytes | None = None) -> None:
        """Confirm and count it (counting.confirm_one), its log entry made
        from `secret` (the signer's receipt; drawn here if not given); the
        row is read again only when that did not apply, to say why."""
        now = now or timezone.now()
        if counting.confirm_one(signature_id=self.pk, now=now, secret=secret) is None:
            error = self._refused(_("Only a signature waiting for confirmation can be confirmed."))
            if self.state == self.State.PENDING:  # still pending: the petition's count is final
                raise CountIsFinal(_("This petition has closed and its count is final."))
            raise error
        self.state, self.confirmed_at = self.State.CONFIRMED, now
        if not self.wants_updates:
            self.email = ""
        petition = self._meta.get_field("petition")
        if petition.is_cached(self):  # its count moved: read it again if asked
            petition.delete_cached_value(self)

    def withdraw(self, *, now: datetime.datetime | None = None) -> None:
        """Take the signature back: it stops counting and its personal data goes."""
        if not self._one().withdraw(now=now).changed:
            raise self._refused(_("This signature has already been withdrawn or removed."))
        self.refresh_from_db()

    def hide(self, *, now: datetime.datetime | None = None) -> None:
        """Hide the name and reason from the public list; still counted."""
        if not self._one().hide(now=now).changed:
            raise self._hide_refused(hidden=True)
        self.refresh_from_db()

    def unhide(self, *, now: datetime.datetime | None = None) -> None:
        if not self._one().unhide(now=now).changed:
            raise self._hide_refused(hidden=False)
        self.refresh_from_db()

    def _hide_refused(self, *, hidden: bool) -> InvalidTransition:
        error = self._refused(_("Only a pending or confirmed signature can be hidden or restored."))
        if self.hidden == hidden and self.state in self.MODERATABLE_STATES:
            return InvalidTransition(
                _("This signature is already hidden.") if hidden else _("This signature is not hidden.")
            )
        return error

    def approve(self, *, now: datetime.datetime | None = None) -> None:
        """An organiser looked at the public name and reason and lets them stand."""
        if not self._one().approve(now=now).changed:
            raise self._refused(_("Only a pending or confirmed signature can be reviewed."))
        self.refresh_from_db()

    def invalidate(self, *, reason: InvalidationReason | str, now: datetime.datetime | None = None) -> None:
        """Spam or fraud: no longer counted."""
        if not self._one().invalidate(reason=reason, now=now).changed:
            raise self._refused(_("Only a pending or confirmed signature can be invalidated."))
        self.refresh_from_db()

    def reinstate(self, *, now: datetime.datetime | None = None) -> None:
        """Undo an invalidation (SignatureQuerySet.reinstate)."""
        if not self._one().reinstate(now=now).changed:
            error = self._refused(_("Only an invalidated signature can be reinstated."))
            if self.state == self.State.INVALIDATED:
                raise CountIsFinal(_("This petition has closed and its count is final."))
            raise error
        self.refresh_from_db()

    def confirm_while_held(self, *, now: datetime.datetime | None = None) -> None:
        """The signer of a signature held for review (invalidated, never
        confirmed) confirms their address: recorded, not counted, so that a
        moderator's reinstating counts it at once."""
        now = now or timezone.now()
        if not Signature.objects.filter(pk=self.pk, state=self.State.INVALIDATED, confirmed_at=None).update(
            confirmed_at=now
        ):
            self.refresh_from_db(fields=["state", "confirmed_at"])
            raise InvalidTransition(_("Only a signature held for review can be confirmed this way."))
        self.confirmed_at = now


class SignatureTombstone(models.Model):
    """What is left of a signature that was invalidated and then withdrawn: a
    keyed hash of its (keyed) email key, so that the same mailbox signing again is held
    for review instead of counted (petitions.signing). The withdrawn row, its
    personal data erased, keeps when and why it was invalidated."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    signature = models.ForeignKey(Signature, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["petition", "key_hash"], name="tombstone_petition_key")]

    def __str__(self) -> str:
        return f"tombstone of #{self.signature_id} on {self.petition_id}"


class PetitionUpdateQuerySet(models.QuerySet):
    def newest(self) -> PetitionUpdateQuerySet:
        return self.order_by("-posted_at", "-pk")


class PetitionUpdate(models.Model):
    """News an organiser posts on a petition: shown on its page and mailed to
    the signers who asked for updates."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=10_000, help_text=_("Markdown."))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    # Mailing progress: the highest signature id mailed so far, so a batch
    # that runs twice (a retried task) never mails anyone twice.
    mailed_through_id = models.BigIntegerField(default=0, editable=False)
    mailed_count = models.PositiveIntegerField(_("emails sent"), default=0, editable=False)
    # Refused for good by the mail server (no such mailbox), or given up on after a day of retries.
    failed_count = models.PositiveIntegerField(_("emails failed"), default=0, editable=False)
    mailing_finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PetitionUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition update")
        verbose_name_plural = _("petition updates")
        indexes = [models.Index(fields=["petition", "-posted_at"], name="update_petition_recent")]

    def __str__(self) -> str:
        return self.title


# --- Paper signatures, deliveries and responses -------------------------------


def _document_path(instance, filename: str) -> str:
    # Random names: a path that leaks out (a log, a backup listing) names nothing.
    return f"petitions/{instance.petition_id}/{instance._meta.model_name}/{filename}"


class WithDocument(models.Model):
    """An optional uploaded file (PDF or image), kept in the private storage
    (petitions.uploads) and served only through a view that checks who asks."""

    document = models.FileField(
        _("file"), upload_to=_document_path, storage=private_storage, blank=True, max_length=200
    )
    # The type found in the content when it was uploaded (not the name's).
    document_type = models.CharField(max_length=40, blank=True, editable=False)
    # A PDF is kept sealed; people see its pages drawn as pictures
    # (core.uploads.save_pages: name, width, height of each).
    document_pages = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True


class PaperBatchQuerySet(models.QuerySet):
    def newest(self) -> PaperBatchQuerySet:
        return self.order_by("-gathered_on", "-pk")


class PaperBatch(WithDocument):
    """Signatures gathered on paper (at a vigil, a mosque, a meeting): only
    their number is public; the scan of the sheets stays with the owners."""

    MAX_COUNT = 10_000_000

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="paper_batches")
    count = models.PositiveIntegerField(_("number of signatures"))
    gathered_on = models.DateField(_("gathered on"))
    place = models.CharField(_("where"), max_length=200)
    collected_by = models.CharField(_("collected by"), max_length=200)
    note = models.TextField(_("note"), max_length=2_000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = PaperBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1, count__lte=10_000_000), name="paper_batch_count_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.count} on {self.gathered_on} ({self.place})"


class Delivery(WithDocument):
    """The petition handed to the people it is addressed to, with the counts
    as they stood that day."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("By post")
        EMAIL = "email", _("By email")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="deliveries")
    addressee = models.CharField(_("to whom"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    delivered_on = models.DateField(_("delivered on"))
    method = models.CharField(_("how"), max_length=16, choices=Method)
    online_count = models.PositiveIntegerField(_("signatures online"), editable=False)
    paper_count = models.PositiveIntegerField(_("signatures on paper"), editable=False)
    note = models.TextField(_("public note"), max_length=5_000, blank=True, help_text=_("Shown on the petition page."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.addressee} ({self.delivered_on})"

    @property
    def total_count(self) -> int:
        return self.online_count + self.paper_count


class OfficialResponse(WithDocument):
    """What the addressee, or anyone official, answered; mailed to the signers
    who asked for updates through the petition update it announces."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="responses")
    responder = models.CharField(_("who responded"), max_length=200)
    responded_on = models.DateField(_("responded on"))
    summary = models.TextField(_("summary in our words"), max_length=5_000)
    link = models.URLField(_("link"), max_length=500, blank=True)
    comment = models.TextField(_("the organisers' comment"), max_length=5_000, blank=True)
    # The update that carried the response to the page's timeline and the signers' inboxes.
    announcement = models.OneToOneField(
        PetitionUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="response", editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-responded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.responder} ({self.responded_on})"


# The transparency log (petitions.transparency): one append-only Merkle log
# per petition whose entries reveal no one, signed checkpoints over it, the
# hash tiles that serve it, and the partners who witness it.


class LogEntry(models.Model):
    """One line of a petition's log: `add <hex>`, `revoke <index> <reason>`,
    `paper <batch> <count> <hex>` or `unpaper <batch>`. Never changed or
    deleted; `index` is dense from 0 (Petition.log_size hands them out)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveBigIntegerField()
    text = models.CharField(max_length=200)
    # Which signature an `add` counts, so that its revocation can name the
    # index. Private (the public sees index and text only), and no foreign
    # key: an append-only row is never touched by what happens to another.
    signature_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        constraints = [
            models.UniqueConstraint(fields=["petition", "index"], name="log_entry_index_unique"),
            models.CheckConstraint(condition=Q(index__gte=0), name="log_entry_index_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}/{self.index}: {self.text}"


class LogTile(models.Model):
    """A full hash tile (c2sp.org/tlog-tiles): 256 hashes of one row of the
    tree, stored once when the checkpoint job completes it; never changes."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hashes = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "level", "index"], name="log_tile_unique")]

    def __str__(self) -> str:
        return f"{self.petition_id} tile {self.level}/{self.index}"


class LogCheckpointQuerySet(models.QuerySet):
    def latest_for(self, petition: Petition) -> LogCheckpoint | None:
        return self.filter(petition=petition).order_by("-size", "-pk").first()


class LogCheckpoint(models.Model):
    """A signed checkpoint (c2sp.org/tlog-checkpoint) and the figures it
    carries: the public count at that size, and revocations by reason."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField()  # the signed note, as served
    count = models.PositiveBigIntegerField()  # online and paper
    online_count = models.PositiveBigIntegerField()
    paper_count = models.PositiveBigIntegerField()
    # {"added": n, "revoked": {reason: n}, "batches": {batch: count}}
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LogCheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("log checkpoint")
        verbose_name_plural = _("log checkpoints")
        constraints = [models.UniqueConstraint(fields=["petition", "origin", "size"], name="log_checkpoint_unique")]

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"


class Witness(models.Model):
    """A partner organisation that cosigns checkpoints (c2sp.org/tlog-cosignature)."""

    name = models.CharField(_("organisation"), max_length=200)
    vkey = models.CharField(
        _("verifier key"), max_length=300, unique=True, help_text=_("The witness key in vkey form (type 0x04).")
    )
    url = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    checkpoint = models.ForeignKey(LogCheckpoint, on_delete=models.CASCADE, related_name="cosignatures")
    witness = models.ForeignKey(Witness, on_delete=models.CASCADE, related_name="+")
    line = models.CharField(max_length=300)  # the signature line, as published
    signed_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="cosignature_once")]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint}"
