"""The public signing workflow: sign, confirm, withdraw, re-send."""

import datetime
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.ip_hash import ip_hash
from petitions.email_keys import email_domain, email_key
from petitions.models import Petition, Signature, SignatureTombstone
from petitions.tasks import SignerMail, mail_after_signing, send_signer_mail


class PetitionNotAccepting(Exception):
    """The petition is closed (or not open yet): no new signatures."""


class SignOutcome(StrEnum):
    CREATED = "created"
    CONFIRMATION_RESENT = "confirmation_resent"
    ALREADY_SIGNED_NOTIFIED = "already_signed_notified"
    NOT_MAILED = "not_mailed"  # mailed too recently, or invalidated: stay quiet
    QUEUED = "queued"  # signed again: the task decides whether to mail
    COUNT_IS_FINAL = "count_is_final"  # the petition closed too long ago to count it


def _queue_mail(*, signature_id: int, kind: str) -> None:
    transaction.on_commit(lambda: send_signer_mail.enqueue(signature_id=signature_id, kind=kind))


def claim_mail_slot(signature: Signature, *, now: datetime.datetime) -> bool:
    """Whether this signer's address may be mailed now; claims the slot if so.

    One conditional UPDATE, so two racing requests cannot both mail, and a
    stranger typing someone's address again and again cannot flood them.
    """
    cutoff = now - datetime.timedelta(seconds=settings.PLEA_REMAIL_INTERVAL)
    return bool(
        Signature.objects.filter(pk=signature.pk)
        .filter(Q(last_mailed_at__isnull=True) | Q(last_mailed_at__lte=cutoff))
        .update(last_mailed_at=now)
    )


def reminder_kind(signature: Signature) -> str | None:
    """What to mail an address that signed here already: its confirmation link
    again while pending, a note once confirmed; nothing to an invalidated or
    withdrawn signature."""
    return {
        Signature.State.PENDING: SignerMail.CONFIRM,
        Signature.State.CONFIRMED: SignerMail.ALREADY_SIGNED,
    }.get(signature.state)


def signature_remind(*, signature: Signature, now: datetime.datetime | None = None) -> SignOutcome:
    """Someone signed again with an address that already has a signature here."""
    now = now or timezone.now()
    kind = reminder_kind(signature)
    if kind is None:
        return SignOutcome.NOT_MAILED
    outcome = SignOutcome.CONFIRMATION_RESENT if kind == SignerMail.CONFIRM else SignOutcome.ALREADY_SIGNED_NOTIFIED
    with transaction.atomic():
        if not claim_mail_slot(signature, now=now):
            return SignOutcome.NOT_MAILED
        _queue_mail(signature_id=signature.pk, kind=kind)
    return outcome


def existing_signature(*, petition: Petition, key: str) -> Signature | None:
    return Signature.objects.filter(petition=petition, email_key=key).first()


def tombstone_hash(key: str) -> str:
    """The keyed hash a withdrawn, invalidated signature leaves of its email
    key. Keyed like IP hashes (PLEA_IP_HASH_KEY), so the table alone does not
    say which addresses it holds."""
    return salted_hmac(
        "plea.signature-tombstone", key, secret=settings.PLEA_IP_HASH_KEY, algorithm="sha256"
    ).hexdigest()


def _held_for_review(*, petition: Petition, key: str) -> bool:
    return SignatureTombstone.objects.filter(petition=petition, key_hash=tombstone_hash(key)).exists()


def signature_create(
    *,
    petition: Petition,
    full_name: str,
    email: str,
    country: str,
    reason: str,
    show_publicly: bool,
    wants_updates: bool,
    ip_address: str | None,
    language: str,
    now: datetime.datetime | None = None,
) -> SignOutcome:
    """Record a pending signature and queue the mail that follows signing.

    Signing again with an address that already signed makes no second
    signature: the address may get a reminder instead (rate-limited). The page
    says the same in every case, and the request does the same work in every
    case: it queues one task, which decides whether and what to mail
    (petitions.tasks.mail_after_signing). So neither the page nor its timing
    tells anyone whether an address has signed, as long as a task worker runs.

    A mailbox whose signature here was invalidated and then withdrawn signs
    again held for review: invalidated, flagged, and counted only once a
    moderator reinstates it.
    """
    now = now or timezone.now()
    if not petition.accepts_signatures(now=now):
        raise PetitionNotAccepting
    key = email_key(email)
    held = _held_for_review(petition=petition, key=key)
    existing = existing_signature(petition=petition, key=key)
    if existing is None:
        held_fields = (
            {"state": Signature.State.INVALIDATED, "invalidated_at": now, "review_flag": Signature.Flag.SIGNED_AGAIN}
            if held
            else {}
        )
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    petition=petition,
                    full_name=full_name,
                    email=email.strip(),
                    email_key=key,
                    email_domain=email_domain(key),
                    country=country,
                    reason=reason,
                    show_publicly=show_publicly,
                    wants_updates=wants_updates,
                    ip_hash=ip_hash(ip_address),
                    language=language,
                    created_at=now,
                    last_mailed_at=now,
                    **held_fields,
                )
                _queue_after_signing(signature_id=signature.pk, fresh=True)
            return SignOutcome.CREATED
        except IntegrityError:
            # A racing identical submission won; treat this one as a repeat.
            existing = existing_signature(petition=petition, key=key)
    _queue_after_signing(signature_id=existing.pk if existing else None, fresh=False)
    return SignOutcome.QUEUED


def _queue_after_signing(*, signature_id: int | None, fresh: bool) -> None:
    transaction.on_commit(lambda: mail_after_signing.enqueue(signature_id=signature_id, fresh=fresh))


def signature_withdraw(*, signature: Signature, now: datetime.datetime | None = None) -> None:
    """The signer takes their signature back (Signature.withdraw). An
    invalidated one leaves a tombstone first, so that withdrawing and signing
    again cannot bring an invalidated signature back into the count."""
    with transaction.atomic():
        current = Signature.objects.select_for_update().filter(pk=signature.pk).first()
        if current is not None and current.state == Signature.State.INVALIDATED and current.email_key:
            SignatureTombstone.objects.create(
                petition_id=current.petition_id,
                key_hash=tombstone_hash(current.email_key),
                signature=current,
                created_at=now or timezone.now(),
            )
        signature.withdraw(now=now)


def confirmation_resend(*, signature: Signature, now: datetime.datetime | None = None) -> SignOutcome:
    """Send a fresh confirmation link for a pending signature (rate-limited),
    unless the petition's count is final: a link that could not count is not sent."""
    if signature.state != Signature.State.PENDING:
        return SignOutcome.NOT_MAILED
    if signature.petition.count_is_final(now=now):
        return SignOutcome.COUNT_IS_FINAL
    return signature_remind(signature=signature, now=now)
