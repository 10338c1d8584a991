from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.roles import PetitionRole
from core.content_languages import LocalText, choose, translations_of
from petitions import counting, page_cache
from petitions.goals import last_milestone, next_goal
from petitions.uploads import private_storage


class InvalidTransition(Exception):
    """A state change asked of a record that is not in a state it starts from."""


class PetitionQuerySet(models.QuerySet):
    def published(self) -> PetitionQuerySet:
        """Petitions the public may see: open ones and those that have closed."""
        return self.filter(status__in=Petition.PUBLISHED_STATES)

    def open(self, *, now: datetime.datetime | None = None) -> PetitionQuerySet:
        now = now or timezone.now()
        return self.filter(status=Petition.Status.OPEN).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))

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
        a change to the petition shows at once. Forgotten now and again on
        commit, so a visitor rendering the page meanwhile cannot re-cache the
        old version."""
        slug = self.slug
        page_cache.forget(slug=slug)
        transaction.on_commit(lambda: page_cache.forget(slug=slug))

    def accepts_signatures(self, *, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and (self.closes_at is None or self.closes_at > now)

    def is_closed(self, *, now: datetime.datetime | None = None) -> bool:
        return self.status in self.FINISHED_STATES or (
            self.status == self.Status.OPEN and not self.accepts_signatures(now=now)
        )

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


class SignatureQuerySet(models.QuerySet):
    def counted(self) -> SignatureQuerySet:
        """The signatures in the public count: confirmed and not invalidated."""
        return self.filter(state=Signature.State.CONFIRMED)

    def confirmation_undelivered(self) -> SignatureQuerySet:
        """Pending signatures whose confirmation link the mail server would not take."""
        return self.filter(state=Signature.State.PENDING, mail_failed_at__isnull=False)

    def to_review(self) -> SignatureQuerySet:
        """Counted signatures showing a name and reason to the public that no
        organiser has looked at yet: what waits for moderation."""
        return self.counted().filter(show_publicly=True, hidden=False, reviewed_at__isnull=True).exclude(reason="")

    def public_signers(self) -> models.QuerySet:
        """What the public may see of counted signatures, newest first.

        Returns plain rows with only the public columns, so an email address or
        IP hash can never reach a template by accident. Names and reasons that
        the signer kept private or an organiser hid come back empty.
        """
        shown = Q(show_publicly=True, hidden=False)
        return (
            self.counted()
            .order_by("-confirmed_at", "-pk")
            .values("country", "confirmed_at")
            .annotate(
                public_name=models.Case(
                    models.When(shown, then="full_name"), default=models.Value(""), output_field=models.CharField()
                ),
                public_reason=models.Case(
                    models.When(shown, then="reason"), default=models.Value(""), output_field=models.TextField()
                ),
            )
        )


class InvalidationReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    FRAUD = "fraud", _("Fraud")


class Signature(models.Model):
    Reason = InvalidationReason

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        INVALIDATED = "invalidated", _("Invalidated")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING)
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    # Normalised address (see petitions.email_keys); NULL once withdrawn so the
    # person may sign again. NULLs never collide in a unique constraint.
    email_key = models.CharField(max_length=254, null=True, blank=True, editable=False)  # noqa: DJ001
    country = CountryField(_("country"), blank=True)
    reason = models.TextField(_("reason for signing"), max_length=500, blank=True)
    show_publicly = models.BooleanField(_("show name and reason publicly"), default=False)
    wants_updates = models.BooleanField(_("wants email updates"), default=False)
    hidden = models.BooleanField(_("hidden by an organiser"), default=False)
    # Set when an organiser hides, restores or approves the public name and reason.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    # The part of email_key after the @, for moderating by domain at speed.
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
            # with the domain alone, a capped count was a sequential scan that
            # took 16-200 ms at 1M depending on where it started.
            models.Index(
                fields=["petition", "email_domain", "state", "-created_at"], name="signature_org_domain_state"
            ),
            models.Index(fields=["petition", "ip_hash", "created_at"], name="signature_org_ip"),
            # What waits for moderation (SignatureQuerySet.to_review): its count
            # read only these entries instead of walking the petition's
            # confirmed signatures testing each (18-26 -> ~3 ms at 1M; bench/README.md).
            models.Index(
                fields=["petition", "-created_at"],
                condition=Q(state="confirmed", show_publicly=True, hidden=False, reviewed_at__isnull=True)
                & ~Q(reason=""),
                name="signature_to_review",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.petition_id} ({self.state})"

    # Transitions are conditional UPDATEs: the row lock the UPDATE takes makes
    # two racing requests see one winner, on SQLite and PostgreSQL alike, and
    # the counter moves in the same transaction as the state.

    def confirm(self, *, now: datetime.datetime | None = None) -> None:
        now = now or timezone.now()
        with transaction.atomic():
            moved = Signature.objects.filter(pk=self.pk, state=self.State.PENDING).update(
                state=self.State.CONFIRMED, confirmed_at=now
            )
            if not moved:
                self.refresh_from_db(fields=["state"])
                raise InvalidTransition(_("Only a signature waiting for confirmation can be confirmed."))
            counting.record_change(petition_id=self.petition_id, delta=1)
        self.state, self.confirmed_at = self.State.CONFIRMED, now

    def withdraw(self, *, now: datetime.datetime | None = None) -> None:
        """Take the signature back: it stops counting and its personal data goes."""
        now = now or timezone.now()
        wiped = {
            "state": self.State.WITHDRAWN,
            "withdrawn_at": now,
            "full_name": "",
            "email": "",
            "email_key": None,
            "country": "",
            "reason": "",
            "email_domain": "",
            "ip_hash": "",
            "show_publicly": False,
            "wants_updates": False,
        }
        with transaction.atomic():
            if Signature.objects.filter(pk=self.pk, state=self.State.CONFIRMED).update(**wiped):
                counting.record_change(petition_id=self.petition_id, delta=-1)
            # An invalidated signature can be withdrawn too: whatever an
            # organiser thought of it, the signer may still have their data deleted.
            elif not Signature.objects.filter(
                pk=self.pk, state__in=(self.State.PENDING, self.State.INVALIDATED)
            ).update(**wiped):
                self.refresh_from_db(fields=["state"])
                raise InvalidTransition(_("This signature has already been withdrawn or removed."))
        for field, value in wiped.items():
            setattr(self, field, value)
        # Their name may be on the page's list of recent signers.
        self.petition.forget_cached_page()

    # Moderation. Hiding never changes the count; invalidating takes a
    # confirmed signature out of it and reinstating puts it back.

    MODERATABLE_STATES = (State.PENDING, State.CONFIRMED)

    def hide(self, *, now: datetime.datetime | None = None) -> None:
        """Hide the name and reason from the public list; still counted."""
        self._set_hidden(hidden=True, now=now)

    def unhide(self, *, now: datetime.datetime | None = None) -> None:
        self._set_hidden(hidden=False, now=now)

    def _set_hidden(self, *, hidden: bool, now: datetime.datetime | None) -> None:
        now = now or timezone.now()
        moved = Signature.objects.filter(pk=self.pk, state__in=self.MODERATABLE_STATES, hidden=not hidden).update(
            hidden=hidden, reviewed_at=now
        )
        if not moved:
            self.refresh_from_db(fields=["state", "hidden"])
            if self.hidden == hidden and self.state in self.MODERATABLE_STATES:
                raise InvalidTransition(
                    _("This signature is already hidden.") if hidden else _("This signature is not hidden.")
                )
            raise InvalidTransition(_("Only a pending or confirmed signature can be hidden or restored."))
        self.hidden, self.reviewed_at = hidden, now

    def approve(self, *, now: datetime.datetime | None = None) -> None:
        """An organiser looked at the public name and reason and lets them stand."""
        now = now or timezone.now()
        if not Signature.objects.filter(pk=self.pk, state__in=self.MODERATABLE_STATES).update(reviewed_at=now):
            self.refresh_from_db(fields=["state"])
            raise InvalidTransition(_("Only a pending or confirmed signature can be reviewed."))
        self.reviewed_at = now

    def invalidate(self, *, reason: str, now: datetime.datetime | None = None) -> None:
        """Spam or fraud: no longer counted. Kept (not wiped) so it can be
        reviewed and, if it was a mistake, reinstated."""
        if reason not in InvalidationReason.values:
            raise InvalidTransition(_("Choose whether this is spam or fraud."))
        now = now or timezone.now()
        changes = {"state": self.State.INVALIDATED, "invalidated_at": now, "invalidation_reason": reason}
        with transaction.atomic():
            if Signature.objects.filter(pk=self.pk, state=self.State.CONFIRMED).update(**changes):
                counting.record_change(petition_id=self.petition_id, delta=-1)
            elif not Signature.objects.filter(pk=self.pk, state=self.State.PENDING).update(**changes):
                self.refresh_from_db(fields=["state"])
                raise InvalidTransition(_("Only a pending or confirmed signature can be invalidated."))
        for field, value in changes.items():
            setattr(self, field, value)

    def reinstate(self, *, now: datetime.datetime | None = None) -> None:
        """Undo an invalidation: back to confirmed (and counted) if the signer
        had confirmed, otherwise back to waiting for confirmation."""
        changes = {"invalidated_at": None, "invalidation_reason": ""}
        with transaction.atomic():
            invalidated = Signature.objects.filter(pk=self.pk, state=self.State.INVALIDATED)
            if invalidated.filter(confirmed_at__isnull=False).update(state=self.State.CONFIRMED, **changes):
                counting.record_change(petition_id=self.petition_id, delta=1)
                changes["state"] = self.State.CONFIRMED
            elif invalidated.update(state=self.State.PENDING, **changes):
                changes["state"] = self.State.PENDING
            else:
                self.refresh_from_db(fields=["state"])
                raise InvalidTransition(_("Only an invalidated signature can be reinstated."))
        for field, value in changes.items():
            setattr(self, field, value)


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
