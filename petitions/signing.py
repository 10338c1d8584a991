"""The public signing workflow: sign, confirm, withdraw, re-send."""

import datetime
from collections.abc import Callable
from enum import StrEnum
from typing import Any, cast

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core import task_queue
from core.client_ip import ip_hash
from core.encryption import seal
from petitions.email_keys import email_domain, email_key, keyed
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
    kinds: dict[str, str] = {
        Signature.State.PENDING: SignerMail.CONFIRM,
        Signature.State.CONFIRMED: SignerMail.ALREADY_SIGNED,
    }
    return kinds.get(signature.state)


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
    key (itself keyed: email_keys.keyed). Keyed again like IP hashes
    (PLEA_IP_HASH_KEY), so a tombstone and a live signature's key differ.

    Tombstones made while email keys were the normalised address in the
    clear hashed that address; signing tests both until retention deletes
    the last of them with its petition's signer data."""
    return salted_hmac(
        "plea.signature-tombstone", key, secret=settings.PLEA_IP_HASH_KEY, algorithm="sha256"
    ).hexdigest()


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
    says the same in every case, and the request queues one task in every
    case, which decides whether and what to mail
    (petitions.tasks.mail_after_signing). So neither the page nor the mail
    queue tells anyone whether an address has signed.

    A mailbox whose signature here was invalidated and then withdrawn signs
    again held for review: invalidated, flagged, and counted only once a
    moderator reinstates it.
    """
    now = now or timezone.now()
    if not petition.accepts_signatures(now=now):
        raise PetitionNotAccepting
    normalised = email_key(email)
    key = keyed(normalised)
    signature = Signature(
        petition=petition,
        full_name=full_name,
        email=email.strip(),
        email_key=key,
        email_domain=email_domain(normalised),
        country=country,
        reason=reason,
        show_publicly=show_publicly,
        wants_updates=wants_updates,
        ip_hash=ip_hash(ip_address),
        language=language,
        created_at=now,
        last_mailed_at=now,
    )
    with transaction.atomic():
        signature_id, queued = _insert_unless_signed(
            signature,
            held_fields=_held_for_review(now),
            key_hashes=(tombstone_hash(key), tombstone_hash(normalised)),
        )
        if signature_id is None:  # signed here already: the reminder path
            existing = existing_signature(petition=petition, key=key)
            _queue_after_signing(
                signature_id=existing.pk if existing else None, fresh=False, sealed_address=seal(email.strip())
            )
            return SignOutcome.QUEUED
        if not queued:
            _queue_after_signing(signature_id=signature_id, fresh=True)
    return SignOutcome.CREATED


def _held_for_review(now: datetime.datetime) -> dict:
    """What a signature from a mailbox held for review is stored with."""
    return {"state": Signature.State.INVALIDATED, "invalidated_at": now, "review_flag": Signature.Flag.SIGNED_AGAIN}


def _insert_unless_signed(
    signature: Signature, *, held_fields: dict, key_hashes: tuple[str, str]
) -> tuple[int | None, bool]:
    """INSERT … ON CONFLICT (petition, email_key) DO NOTHING RETURNING id: the
    new signature's id, or None if this address has signed this petition;
    and whether its mail task was queued by the same statement.

    One statement instead of a check and an insert: a repeat is not an error,
    so no unique violation (which PostgreSQL logs with the statement, the
    address in it) and no race between the check and the insert. Whether the
    mailbox is held for review (a tombstone of an invalidated signature) is
    decided in the same statement: `held_fields` replace the model's values
    then. The columns come from the model, so a new field is written too.
    PostgreSQL and SQLite (3.35+) both take this form.

    On PostgreSQL with the database queue, the statement also writes the
    new signature's `mail_after_signing` task row (a data-modifying CTE
    that inserts one task per inserted signature, so none when the address
    had signed): one round trip instead of two. SQLite has no INSERT in a
    CTE; there the caller queues it.
    """
    connection = connections[Signature.objects.db]
    # Every column named here is a concrete one; the stubs allow a column of None.
    quote = cast(Callable[[str | None], str], connection.ops.quote_name)
    fields = [field for field in Signature._meta.concrete_fields if not field.primary_key]
    tombstone = SignatureTombstone._meta
    held = (
        f"EXISTS (SELECT 1 FROM {quote(tombstone.db_table)} WHERE {quote(tombstone.get_field('petition').column)} = %s"
        f" AND {quote(tombstone.get_field('key_hash').column)} IN (%s, %s))"
    )
    values, params = [], []
    for field in fields:
        value = field.get_db_prep_save(getattr(signature, field.attname), connection)
        if field.name in held_fields:
            values.append(f"CASE WHEN {held} THEN %s ELSE %s END")
            params += [signature.petition_id, *key_hashes,
                       field.get_db_prep_save(held_fields[field.name], connection), value]  # fmt: skip
        else:
            values.append("%s")
            params.append(value)
    unique = ", ".join(quote(cast(Field, Signature._meta.get_field(name)).column) for name in ("petition", "email_key"))
    sql = (
        f"INSERT INTO {quote(Signature._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(values)}) ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(Signature._meta.pk.column)}"
    )
    queued = connection.vendor == "postgresql" and task_queue.is_database_queue(mail_after_signing)
    if queued:
        pk = quote(Signature._meta.pk.column)
        head, select, task_params = task_queue.insert_parts(
            mail_after_signing,
            kwargs={},
            connection=connection,
            expressions={
                "args_kwargs": "jsonb_build_object('args', jsonb_build_array(), 'kwargs',"
                f" jsonb_build_object('signature_id', signed.{pk}, 'fresh', true))"
            },
        )
        sql = f"WITH signed AS ({sql}), queued AS ({head} SELECT {select} FROM signed) SELECT {pk} FROM signed"
        params += task_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row[0], queued) if row else (None, False)


def _queue_after_signing(*, signature_id: int | None, fresh: bool, sealed_address: str = "") -> None:
    """With the database queue, the task row is written in the signature's
    own transaction: one commit, and a mail is queued exactly when its
    signature is stored. Any other backend is called once that commits."""
    kwargs: dict[str, Any] = {"signature_id": signature_id, "fresh": fresh}
    if sealed_address:
        kwargs["sealed_address"] = sealed_address
    if task_queue.is_database_queue(mail_after_signing):
        task_queue.enqueue_row(mail_after_signing, kwargs=kwargs)
    else:
        transaction.on_commit(lambda: mail_after_signing.enqueue(**kwargs))


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
