"""Moderating signatures: one at a time, a selection, or every signature a
rule matches. All of it keeps the public count exact: one-at-a-time through
the Signature transitions, in bulk through one conditional UPDATE per state
group and a single counting.record_change, in the same transaction."""

import datetime
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import AuditEntry
from petitions import counting
from petitions.models import InvalidationReason, InvalidTransition, Petition, Signature
from petitions.signing import SignOutcome, confirmation_resend

State = Signature.State
MODERATABLE = Signature.MODERATABLE_STATES


class Action(StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    APPROVE = "approve"
    INVALIDATE_SPAM = "invalidate_spam"
    INVALIDATE_FRAUD = "invalidate_fraud"
    REINSTATE = "reinstate"
    RESEND = "resend"

    @property
    def label(self) -> str:
        return {
            Action.HIDE: _("Hide name and reason"),
            Action.UNHIDE: _("Restore name and reason"),
            Action.APPROVE: _("Mark as reviewed"),
            Action.INVALIDATE_SPAM: _("Invalidate as spam"),
            Action.INVALIDATE_FRAUD: _("Invalidate as fraud"),
            Action.REINSTATE: _("Reinstate (undo invalidation)"),
            Action.RESEND: _("Re-send confirmation email"),
        }[self]

    @property
    def audit_action(self) -> AuditEntry.Action:
        return {
            Action.HIDE: AuditEntry.Action.SIGNATURE_HIDE,
            Action.UNHIDE: AuditEntry.Action.SIGNATURE_UNHIDE,
            Action.APPROVE: AuditEntry.Action.SIGNATURE_APPROVE,
            Action.INVALIDATE_SPAM: AuditEntry.Action.SIGNATURE_INVALIDATE,
            Action.INVALIDATE_FRAUD: AuditEntry.Action.SIGNATURE_INVALIDATE,
            Action.REINSTATE: AuditEntry.Action.SIGNATURE_REINSTATE,
            Action.RESEND: AuditEntry.Action.SIGNATURE_RESEND,
        }[self]

    @property
    def invalidation_reason(self) -> str:
        return InvalidationReason.FRAUD if self is Action.INVALIDATE_FRAUD else InvalidationReason.SPAM


# What a rule may do to many signatures at once. Re-sending is one at a time
# or a page's selection: mailing thousands by rule is how a tool becomes spam.
RULE_ACTIONS = (Action.HIDE, Action.UNHIDE, Action.INVALIDATE_SPAM, Action.INVALIDATE_FRAUD, Action.REINSTATE)


class ModerationRefused(Exception):
    """The action does not apply: wrong petition, wrong state, stale preview."""


def check_petition_allows(petition: Petition, action: Action) -> None:
    """On a finished petition (closed, past its closing date, or won) the count
    may still go down (fraud found late is still fraud) but never up, and
    nobody is asked to confirm a signature that could no longer count."""
    if petition.is_closed() and action in (Action.REINSTATE, Action.RESEND):
        raise ModerationRefused(_("This petition is closed: its signatures can no longer be reinstated or confirmed."))


# --- One signature ---------------------------------------------------------


def signature_moderate(
    *, by, petition: Petition, signature: Signature, action: Action, note: str = "", now=None
) -> None:
    if signature.petition_id != petition.pk:
        raise ModerationRefused(_("That signature belongs to another petition."))
    check_petition_allows(petition, action)
    now = now or timezone.now()
    with transaction.atomic():
        petition.forget_cached_page()  # names and reasons on the public list may change
        try:
            if action is Action.HIDE:
                signature.hide(now=now)
            elif action is Action.UNHIDE:
                signature.unhide(now=now)
            elif action is Action.APPROVE:
                signature.approve(now=now)
            elif action in (Action.INVALIDATE_SPAM, Action.INVALIDATE_FRAUD):
                signature.invalidate(reason=action.invalidation_reason, now=now)
            elif action is Action.REINSTATE:
                signature.reinstate(now=now)
            elif action is Action.RESEND:
                if signature.state != State.PENDING:
                    raise InvalidTransition(_("Only a signature waiting for confirmation can be re-sent."))
                if confirmation_resend(signature=signature, now=now) != SignOutcome.CONFIRMATION_RESENT:
                    raise InvalidTransition(_("A confirmation email went to this signer a few minutes ago."))
        except InvalidTransition as error:
            raise ModerationRefused(str(error)) from error
        audit.record(
            by=by,
            action=action.audit_action,
            petition=petition,
            target=signature,
            reason=note,
            details={"action": str(action)},
        )


# --- Many signatures -------------------------------------------------------


def _apply(action: Action, base: QuerySet, *, now: datetime.datetime) -> tuple[int, int]:
    """Apply `action` to every signature in `base` it applies to.
    Returns (signatures changed, change in the public count)."""
    if action is Action.HIDE:
        return base.filter(state__in=MODERATABLE, hidden=False).update(hidden=True, reviewed_at=now), 0
    if action is Action.UNHIDE:
        return base.filter(state__in=MODERATABLE, hidden=True).update(hidden=False, reviewed_at=now), 0
    if action is Action.APPROVE:
        return base.filter(state__in=MODERATABLE, reviewed_at__isnull=True).update(reviewed_at=now), 0
    if action in (Action.INVALIDATE_SPAM, Action.INVALIDATE_FRAUD):
        changes = {"state": State.INVALIDATED, "invalidated_at": now, "invalidation_reason": action.invalidation_reason}
        counted = base.filter(state=State.CONFIRMED).update(**changes)
        pending = base.filter(state=State.PENDING).update(**changes)
        return counted + pending, -counted
    if action is Action.REINSTATE:
        cleared = {"invalidated_at": None, "invalidation_reason": ""}
        counted = base.filter(state=State.INVALIDATED, confirmed_at__isnull=False).update(
            state=State.CONFIRMED, **cleared
        )
        pending = base.filter(state=State.INVALIDATED).update(state=State.PENDING, **cleared)
        return counted + pending, counted
    raise ModerationRefused(_("This action cannot be applied to many signatures at once."))


def _applies(action: Action) -> Q:
    """Which signatures `_apply` would change: for previews."""
    if action is Action.HIDE:
        return Q(state__in=MODERATABLE, hidden=False)
    if action is Action.UNHIDE:
        return Q(state__in=MODERATABLE, hidden=True)
    if action is Action.APPROVE:
        return Q(state__in=MODERATABLE, reviewed_at__isnull=True)
    if action in (Action.INVALIDATE_SPAM, Action.INVALIDATE_FRAUD):
        return Q(state__in=MODERATABLE)
    if action is Action.REINSTATE:
        return Q(state=State.INVALIDATED)
    return Q(state=State.PENDING)


def _counting_change(action: Action) -> tuple[Q, int]:
    if action in (Action.INVALIDATE_SPAM, Action.INVALIDATE_FRAUD):
        return Q(state=State.CONFIRMED), -1
    if action is Action.REINSTATE:
        return Q(state=State.INVALIDATED, confirmed_at__isnull=False), 1
    return Q(pk__in=[]), 0


@dataclass(frozen=True)
class BulkResult:
    changed: int
    count_delta: int


def _bulk(*, by, petition: Petition, base: QuerySet, action: Action, note: str, details: dict, now) -> BulkResult:
    check_petition_allows(petition, action)
    now = now or timezone.now()
    with transaction.atomic():
        petition.forget_cached_page()
        changed, delta = _apply(action, base, now=now)
        if delta:
            counting.record_change(petition_id=petition.pk, delta=delta)
        audit.record(
            by=by,
            action=action.audit_action,
            petition=petition,
            target_type="signatures",
            reason=note,
            details={**details, "action": str(action), "changed": changed, "count_change": delta},
        )
    return BulkResult(changed=changed, count_delta=delta)


MAX_SELECTION = 200


def signatures_moderate_selected(
    *, by, petition: Petition, ids: list[int], action: Action, note: str = "", now=None
) -> BulkResult:
    """Moderate the signatures an organiser ticked on a page of the list."""
    ids = sorted(set(ids))
    if not ids:
        raise ModerationRefused(_("Select at least one signature."))
    if len(ids) > MAX_SELECTION:
        raise ModerationRefused(_("Select at most %(max)d signatures at a time.") % {"max": MAX_SELECTION})
    base = Signature.objects.filter(petition=petition, pk__in=ids)
    if base.count() != len(ids):
        raise ModerationRefused(_("Some selected signatures do not belong to this petition. Nothing was changed."))
    if action is Action.RESEND:
        check_petition_allows(petition, action)
        sent = 0
        with transaction.atomic():
            for signature in base.filter(state=State.PENDING):
                if confirmation_resend(signature=signature, now=now) == SignOutcome.CONFIRMATION_RESENT:
                    sent += 1
            audit.record(
                by=by,
                action=action.audit_action,
                petition=petition,
                target_type="signatures",
                reason=note,
                details={"ids": ids, "action": str(action), "changed": sent, "count_change": 0},
            )
        return BulkResult(changed=sent, count_delta=0)
    return _bulk(by=by, petition=petition, base=base, action=action, note=note, details={"ids": ids}, now=now)


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

    def matching(self, petition: Petition) -> QuerySet:
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


def rule_preview(*, petition: Petition, rule: Rule, action: Action, max_id: int | None = None) -> Preview:
    qs = rule.matching(petition)
    if max_id is None:
        max_id = qs.aggregate(top=Max("pk"))["top"] or 0
    qs = qs.filter(pk__lte=max_id)
    counting_q, sign = _counting_change(action)
    totals = qs.aggregate(touched=Count("pk", filter=_applies(action)), counted=Count("pk", filter=counting_q))
    return Preview(
        touched=totals["touched"], counted=totals["counted"], count_delta=sign * totals["counted"], max_id=max_id
    )


def signatures_moderate_by_rule(
    *,
    by,
    petition: Petition,
    rule: Rule,
    action: Action,
    max_id: int,
    expected_touched: int,
    expected_counted: int,
    note: str = "",
    now=None,
) -> BulkResult:
    """Apply a previewed rule, refusing if what it would touch has changed
    since the preview, so nobody confirms a number they were not shown."""
    if action not in RULE_ACTIONS:
        raise ModerationRefused(_("This action cannot be applied by rule."))
    with transaction.atomic():
        current = rule_preview(petition=petition, rule=rule, action=action, max_id=max_id)
        if (current.touched, current.counted) != (expected_touched, expected_counted):
            raise ModerationRefused(
                _(
                    "The signatures matching this rule changed since the preview (%(before)d then, %(now)d now). "
                    "Nothing was changed: review the new numbers and confirm again."
                )
                % {"before": expected_touched, "now": current.touched}
            )
        base = rule.matching(petition).filter(pk__lte=max_id)
        return _bulk(
            by=by,
            petition=petition,
            base=base,
            action=action,
            note=note,
            details={"rule": rule.as_details(), "max_id": max_id},
            now=now,
        )
