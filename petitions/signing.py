"""The public signing workflow: sign, confirm, withdraw, re-send."""

import datetime
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.ip_hash import ip_hash
from petitions.email_keys import email_key
from petitions.models import Petition, Signature
from petitions.tasks import SignerMail, send_signer_mail


class PetitionNotAccepting(Exception):
    """The petition is closed (or not open yet): no new signatures."""


class SignOutcome(StrEnum):
    CREATED = "created"
    CONFIRMATION_RESENT = "confirmation_resent"
    ALREADY_SIGNED_NOTIFIED = "already_signed_notified"
    NOT_MAILED = "not_mailed"  # mailed too recently, or invalidated: stay quiet
    COUNT_IS_FINAL = "count_is_final"  # the petition closed too long ago to count it


def _queue_mail(*, signature_id: int, kind: str) -> None:
    transaction.on_commit(lambda: send_signer_mail.enqueue(signature_id=signature_id, kind=kind))


def _claim_mail_slot(signature: Signature, *, now: datetime.datetime) -> bool:
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


def signature_remind(*, signature: Signature, now: datetime.datetime | None = None) -> SignOutcome:
    """Someone signed again with an address that already has a signature here."""
    now = now or timezone.now()
    if signature.state == Signature.State.PENDING:
        kind, outcome = SignerMail.CONFIRM, SignOutcome.CONFIRMATION_RESENT
    elif signature.state == Signature.State.CONFIRMED:
        kind, outcome = SignerMail.ALREADY_SIGNED, SignOutcome.ALREADY_SIGNED_NOTIFIED
    else:
        return SignOutcome.NOT_MAILED
    with transaction.atomic():
        if not _claim_mail_slot(signature, now=now):
            return SignOutcome.NOT_MAILED
        _queue_mail(signature_id=signature.pk, kind=kind)
    return outcome


def existing_signature(*, petition: Petition, key: str) -> Signature | None:
    return Signature.objects.filter(petition=petition, email_key=key).first()


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
    """Record a pending signature and mail its confirmation link.

    Signing again with an address that already signed makes no second
    signature: the address gets a reminder instead (rate-limited). The page
    says the same in every case, so nobody learns from it whether an address
    has signed.
    """
    now = now or timezone.now()
    if not petition.accepts_signatures(now=now):
        raise PetitionNotAccepting
    key = email_key(email)
    existing = existing_signature(petition=petition, key=key)
    if existing is None:
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    petition=petition,
                    full_name=full_name,
                    email=email.strip(),
                    email_key=key,
                    email_domain=key.rpartition("@")[2],
                    country=country,
                    reason=reason,
                    show_publicly=show_publicly,
                    wants_updates=wants_updates,
                    ip_hash=ip_hash(ip_address),
                    language=language,
                    created_at=now,
                    last_mailed_at=now,
                )
                _queue_mail(signature_id=signature.pk, kind=SignerMail.CONFIRM)
            return SignOutcome.CREATED
        except IntegrityError:
            # A racing identical submission won; treat this one as a repeat.
            existing = existing_signature(petition=petition, key=key)
            if existing is None:
                return SignOutcome.NOT_MAILED
    return signature_remind(signature=existing, now=now)


def confirmation_resend(*, signature: Signature, now: datetime.datetime | None = None) -> SignOutcome:
    """Send a fresh confirmation link for a pending signature (rate-limited),
    unless the petition's count is final: a link that could not count is not sent."""
    if signature.state != Signature.State.PENDING:
        return SignOutcome.NOT_MAILED
    if signature.petition.count_is_final(now=now):
        return SignOutcome.COUNT_IS_FINAL
    return signature_remind(signature=signature, now=now)
