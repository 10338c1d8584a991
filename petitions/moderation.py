"""Moderating signatures: one at a time, a selection, or every signature a
rule matches. Every action is one row of ACTIONS, and every state change
goes through the Signature transitions (SignatureQuerySet), which keep the
public count exact and clear the cached page."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from petitions import audit_actions
from petitions.models import (
    InvalidationReason,
    InvalidTransition,
    Moved,
    Petition,
    Signature,
    SignatureQuerySet,
)
from petitions.signing import SignOutcome, confirmation_resend

User = AbstractBaseUser


class Action(StrEnum):
    """The name of an action, as forms and URLs carry it."""

    HIDE = "hide"
    UNHIDE = "unhide"
    APPROVE = "approve"
    INVALIDATE_SPAM = "invalidate_spam"
    INVALIDATE_FRAUD = "invalidate_fraud"
    REINSTATE = "reinstate"
    RESEND = "resend"

    @property
    def label(self) -> str:
        return str(ACTIONS[self].label)


class Scope(StrEnum):
    ONE = "one"
    SELECTION = "selection"
    RULE = "rule"


@dataclass(frozen=True)
class Moderation:
    label: Promise
    audit_action: str
    # The transition for one signature (raises InvalidTransition with a
    # message for the organiser) and for many (returns what changed).
    one: Callable[[Signature, datetime.datetime], None]
    many: Callable[[SignatureQuerySet, datetime.datetime, bool], Moved]
    # Which rows it may be applied to.
    applies_to: frozenset[Scope]
    # Refused once the petition's count is final: it could raise the count.
    raises_count: bool = False


def _resend_one(signature: Signature, now: datetime.datetime) -> None:
    if signature.state != Signature.State.PENDING:
        raise InvalidTransition(_("Only a signature waiting for confirmation can be re-sent."))
    if confirmation_resend(signature=signature, now=now) != SignOutcome.CONFIRMATION_RESENT:
        raise InvalidTransition(_("A confirmation email went to this signer a few minutes ago."))


def _resend_many(rows: SignatureQuerySet, now: datetime.datetime, dry_run: bool) -> Moved:
    pending = rows.filter(state=Signature.State.PENDING).select_related("petition")
    if dry_run:
        return Moved(changed=pending.count())
    sent = sum(confirmation_resend(signature=s, now=now) == SignOutcome.CONFIRMATION_RESENT for s in pending)
    return Moved(changed=sent)


EVERYWHERE = frozenset(Scope)
# Re-sending is one at a time or a page's selection: mailing thousands by
# rule is how a tool becomes spam.
NOT_BY_RULE = frozenset({Scope.ONE, Scope.SELECTION})

ACTIONS: dict[Action, Moderation] = {
    Action.HIDE: Moderation(
        label=gettext_lazy("Hide name and reason"),
        audit_action=audit_actions.SIGNATURE_HIDE,
        one=lambda signature, now: signature.hide(now=now),
        many=lambda rows, now, dry_run: rows.hide(now=now, dry_run=dry_run),
        applies_to=EVERYWHERE,
    ),
    Action.UNHIDE: Moderation(
        label=gettext_lazy("Restore name and reason"),
        audit_action=audit_actions.SIGNATURE_UNHIDE,
        one=lambda signature, now: signature.unhide(now=now),
        many=lambda rows, now, dry_run: rows.unhide(now=now, dry_run=dry_run),
        applies_to=EVERYWHERE,
    ),
    Action.APPROVE: Moderation(
        label=gettext_lazy("Mark as reviewed"),
        audit_action=audit_actions.SIGNATURE_APPROVE,
        one=lambda signature, now: signature.approve(now=now),
        many=lambda rows, now, dry_run: rows.approve(now=now, dry_run=dry_run),
        applies_to=NOT_BY_RULE,
    ),
    Action.INVALIDATE_SPAM: Moderation(
        label=gettext_lazy("Invalidate as spam"),
        audit_action=audit_actions.SIGNATURE_INVALIDATE,
        one=lambda signature, now: signature.invalidate(reason=InvalidationReason.SPAM, now=now),
        many=lambda rows, now, dry_run: rows.invalidate(reason=InvalidationReason.SPAM, now=now, dry_run=dry_run),
        applies_to=EVERYWHERE,
    ),
    Action.INVALIDATE_FRAUD: Moderation(
        label=gettext_lazy("Invalidate as fraud"),
        audit_action=audit_actions.SIGNATURE_INVALIDATE,
        one=lambda signature, now: signature.invalidate(reason=InvalidationReason.FRAUD, now=now),
        many=lambda rows, now, dry_run: rows.invalidate(reason=InvalidationReason.FRAUD, now=now, dry_run=dry_run),
        applies_to=EVERYWHERE,
    ),
    Action.REINSTATE: Moderation(
        label=gettext_lazy("Reinstate (undo invalidation)"),
        audit_action=audit_actions.SIGNATURE_REINSTATE,
        one=lambda signature, now: signature.reinstate(now=now),
        many=lambda rows, now, dry_run: rows.reinstate(now=now, dry_run=dry_run),
        applies_to=EVERYWHERE,
        raises_count=True,
    ),
    Action.RESEND: Moderation(
        label=gettext_lazy("Re-send confirmation email"),
        audit_action=audit_actions.SIGNATURE_RESEND,
        one=_resend_one,
        many=_resend_many,
        applies_to=NOT_BY_RULE,
        raises_count=True,
    ),
}

RULE_ACTIONS = tuple(action for action, moderation in ACTIONS.items() if Scope.RULE in moderation.applies_to)


class ModerationRefused(Exception):
    """The action does not apply: wrong petition, wrong state, stale preview."""


def _check(petition: Petition, action: Action, scope: Scope, *, now: datetime.datetime) -> Moderation:
    """Once the count is final (Petition.phase) it may still go down (fraud
    found late is still fraud) but never up, and nobody is asked to confirm a
    signature that could no longer count."""
    moderation = ACTIONS[action]
    if scope not in moderation.applies_to:
        raise ModerationRefused(_("This action cannot be applied to these signatures."))
    if moderation.raises_count and petition.count_is_final(now=now):
        raise ModerationRefused(
            _(
                "This petition has closed and its count is final: "
                "its signatures can no longer be reinstated or confirmed."
            )
        )
    return moderation


# --- One signature ---------------------------------------------------------


def signature_moderate(
    *,
    by: User,
    petition: Petition,
    signature: Signature,
    action: Action,
    note: str = "",
    now: datetime.datetime | None = None,
) -> None:
    if signature.petition_id != petition.pk:
        raise ModerationRefused(_("That signature belongs to another petition."))
    now = now or timezone.now()
    moderation = _check(petition, action, Scope.ONE, now=now)
    with transaction.atomic():
        try:
            moderation.one(signature, now)
        except InvalidTransition as error:
            raise ModerationRefused(str(error)) from error
        audit.record(
            by=by,
            action=moderation.audit_action,
            subject=petition,
            target=signature,
            reason=note,
            details={"action": str(action)},
        )


# --- Many signatures -------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    changed: int
    count_delta: int


def _bulk(
    *,
    by: User,
    petition: Petition,
    rows: SignatureQuerySet,
    action: Action,
    scope: Scope,
    note: str,
    details: dict,
    now: datetime.datetime | None,
) -> BulkResult:
    now = now or timezone.now()
    moderation = _check(petition, action, scope, now=now)
    with transaction.atomic():
        moved = moderation.many(rows, now, False)
        audit.record(
            by=by,
            action=moderation.audit_action,
            subject=petition,
            target_type="signatures",
            reason=note,
            details={**details, "action": str(action), "changed": moved.changed, "count_change": moved.count_delta},
        )
    return BulkResult(changed=moved.changed, count_delta=moved.count_delta)


MAX_SELECTION = 200


def signatures_moderate_selected(
    *,
    by: User,
    petition: Petition,
    ids: list[int],
    action: Action,
    note: str = "",
    now: datetime.datetime | None = None,
) -> BulkResult:
    """Moderate the signatures an organiser ticked on a page of the list."""
    ids = sorted(set(ids))
    if not ids:
        raise ModerationRefused(_("Select at least one signature."))
    if len(ids) > MAX_SELECTION:
        raise ModerationRefused(_("Select at most %(max)d signatures at a time.") % {"max": MAX_SELECTION})
    rows = Signature.objects.filter(petition=petition, pk__in=ids)
    if rows.count() != len(ids):
        raise ModerationRefused(_("Some selected signatures do not belong to this petition. Nothing was changed."))
    return _bulk(
        by=by,
        petition=petition,
        rows=rows,
        action=action,
        scope=Scope.SELECTION,
        note=note,
        details={"ids": ids},
        now=now,
    )


# --- By rule, with a preview ---------------------------------------------


@dataclass(frozen=True)
class Rule:
    """All signatures from one email domain, or from one IP hash within a
    time window, up to the newest signature present when it was previewed."""

    domain: str = ""
    ip_hash: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None

    def describe(self) -> str:
        if self.domain:
            return _("every signature with an email address at %(domain)s") % {"domain": self.domain}
        return _("every signature from the IP hash %(hash)s…") % {"hash": self.ip_hash[:12]}

    def as_details(self) -> dict:
        return {
            "domain": self.domain,
            "ip_hash": self.ip_hash,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    def matching(self, petition: Petition) -> SignatureQuerySet:
        qs = Signature.objects.filter(petition=petition)
        if self.domain:
            qs = qs.filter(email_domain=self.domain)
        else:
            qs = qs.filter(ip_hash=self.ip_hash)
        if self.since:
            qs = qs.filter(created_at__gte=self.since)
        if self.until:
            qs = qs.filter(created_at__lt=self.until)
        return qs


@dataclass(frozen=True)
class Preview:
    """What a rule would do now. `max_id` bounds the rule to the signatures
    that existed when it was shown; `fingerprint` changes if any of them
    changes in a way that matters to the action."""

    touched: int
    counted: int  # how many of those move in or out of the public count
    count_delta: int
    max_id: int

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.touched}:{self.counted}:{self.max_id}".encode()).hexdigest()[:16]


def rule_preview(
    *,
    petition: Petition,
    rule: Rule,
    action: Action,
    max_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Preview:
    """What the rule's action would change, from a dry run of its transition."""
    qs: SignatureQuerySet = rule.matching(petition)
    if max_id is None:
        max_id = qs.aggregate(top=Max("pk"))["top"] or 0
    would = ACTIONS[action].many(qs.filter(pk__lte=max_id), now or timezone.now(), True)
    return Preview(touched=would.changed, counted=abs(would.count_delta), count_delta=would.count_delta, max_id=max_id)


def signatures_moderate_by_rule(
    *,
    by: User,
    petition: Petition,
    rule: Rule,
    action: Action,
    max_id: int,
    expected_touched: int,
    expected_counted: int,
    note: str = "",
    now: datetime.datetime | None = None,
) -> BulkResult:
    """Apply a previewed rule, refusing if what it would touch has changed
    since the preview, so nobody confirms a number they were not shown."""
    if action not in RULE_ACTIONS:
        raise ModerationRefused(_("This action cannot be applied by rule."))
    now = now or timezone.now()
    with transaction.atomic():
        current = rule_preview(petition=petition, rule=rule, action=action, max_id=max_id, now=now)
        if (current.touched, current.counted) != (expected_touched, expected_counted):
            raise ModerationRefused(
                _(
                    "The signatures matching this rule changed since the preview (%(before)d then, %(now)d now). "
                    "Nothing was changed: review the new numbers and confirm again."
                )
                % {"before": expected_touched, "now": current.touched}
            )
        return _bulk(
            by=by,
            petition=petition,
            rows=rule.matching(petition).filter(pk__lte=max_id),
            action=action,
            scope=Scope.RULE,
            note=note,
            details={"rule": rule.as_details(), "max_id": max_id},
            now=now,
        )
