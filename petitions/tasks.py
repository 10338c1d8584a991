"""Mail to signers, sent through Django's task framework: confirmations,
reminders and petition updates."""

from django.conf import settings
from django.core.mail import mailers
from django.db import connections
from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from core import mail
from core.content_languages import choose
from core.encryption import unseal
from petitions import transparency
from petitions.tokens import Purpose, make_token


class SignerMail:
    CONFIRM = "confirm"
    ALREADY_SIGNED = "already_signed"
    TEMPLATES = {CONFIRM: "signature_confirm", ALREADY_SIGNED: "signature_already_signed"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def signer_links(signature_id: int) -> dict[str, str]:
    return {
        "confirm_url": absolute(
            reverse(
                "petitions:confirm", kwargs={"token": make_token(signature_id=signature_id, purpose=Purpose.CONFIRM)}
            )
        ),
        "withdraw_url": absolute(
            reverse(
                "petitions:withdraw", kwargs={"token": make_token(signature_id=signature_id, purpose=Purpose.WITHDRAW)}
            )
        ),
    }


def _recipient(signature_id: int) -> tuple | None:
    """(email, language, whether a mail to it failed, petition id, the
    petition's language, its title) of a signature, or None.

    Only what the mail needs, in one small statement: reading the whole
    signature and petition through the ORM was most of this task's time, and
    even a values_list() cost more to build than the rest of the mail
    (bench/README.md, "Mail worker")."""
    from petitions.models import Petition, Signature

    connection = connections[Signature.objects.db]
    quote = connection.ops.quote_name
    signature, petition = Signature._meta, Petition._meta

    def column(meta, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    sql = (
        f"SELECT {column(signature, 'email')}, {column(signature, 'language')}, "
        f"{column(signature, 'mail_failed_at')} IS NOT NULL, {column(signature, 'petition')}, "
        f"{column(petition, 'language')}, {column(petition, 'title')} "
        f"FROM {quote(signature.db_table)} JOIN {quote(petition.db_table)} "
        f"ON {column(petition, 'id')} = {column(signature, 'petition')} WHERE {column(signature, 'id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [signature_id])
        return cursor.fetchone()


def _title_in(language: str, *, petition_id: int, original_language: str, original_title: str) -> str:
    """The petition's title as `Petition.local` chooses it for a reader of
    `language`; its translations are read only for another language's."""
    from petitions.models import PetitionText

    def translations():
        texts = PetitionText.objects.filter(petition_id=petition_id).values_list("language", "title")
        for text_language, title in texts:
            yield text_language, {"title": title}

    return choose(
        original_language=original_language,
        original={"title": original_title},
        translations=translations(),
        language=language,
    ).title


@task
def send_signer_mail(*, signature_id: int, kind: str, attempt: int = 0, sealed_address: str = "") -> None:
    """Mail a signer their confirmation link (or a note that they already
    signed). If it cannot be handed over after every retry, the signature is
    marked so organisers see it, and the signer may ask again at once: signing
    again re-sends the link without waiting for the usual interval.

    A confirmed signature keeps no address unless its signer wanted updates:
    a note that it is already signed then goes to the address just typed
    (`sealed_address`, the same mailbox by its key), sealed in the task's row."""
    from petitions.models import Signature

    found = _recipient(signature_id)
    if found is None or kind not in SignerMail.TEMPLATES:
        return
    stored, language, mail_failed, petition_id, petition_language, title = found
    email = unseal(stored) if stored else unseal(sealed_address) if sealed_address else ""
    if not email:
        return  # withdrawn (and wiped) before the mail went out: nothing to send
    language = language or settings.LANGUAGE_CODE
    title = _title_in(language, petition_id=petition_id, original_language=petition_language, original_title=title)
    delivery = mail.send(
        template=SignerMail.TEMPLATES[kind],
        context={"title": title, **signer_links(signature_id)},
        to=[email],
        language=language,
        task=send_signer_mail,
        attempt=attempt,
        task_kwargs={"signature_id": signature_id, "kind": kind, "sealed_address": sealed_address},
    )
    if delivery is mail.Delivery.FAILED:
        Signature.objects.filter(pk=signature_id).update(mail_failed_at=timezone.now(), last_mailed_at=None)
    elif delivery is mail.Delivery.SENT and mail_failed:
        Signature.objects.filter(pk=signature_id).update(mail_failed_at=None)


@task
def mail_after_signing(*, signature_id: int | None, fresh: bool, sealed_address: str = "") -> None:
    """Queued by every signing request, whatever happened in it, so that no
    request does more work than another (petitions.signing.signature_create).
    A new signature gets its confirmation link; an address that had already
    signed gets a reminder, at most once per PLEA_REMAIL_INTERVAL."""
    from petitions import signing
    from petitions.models import Signature

    if signature_id is None:
        return
    if fresh:
        send_signer_mail.call(signature_id=signature_id, kind=SignerMail.CONFIRM)
        return
    signature = Signature.objects.filter(pk=signature_id).first()
    kind = signing.reminder_kind(signature) if signature is not None else None
    if kind is not None and signing.claim_mail_slot(signature, now=timezone.now()):
        send_signer_mail.call(signature_id=signature.pk, kind=kind, sealed_address=sealed_address)


def unsubscribe_url(signature_id: int) -> str:
    token = make_token(signature_id=signature_id, purpose=Purpose.UNSUBSCRIBE)
    return absolute(reverse("petitions:unsubscribe", kwargs={"token": token}))


def _update_message(update, signature) -> mail.TemplatedMail:
    links = signer_links(signature.pk)
    context = {
        "update": update,
        "petition": update.petition,
        "signature": signature,
        "withdraw_url": links["withdraw_url"],
        "unsubscribe_url": unsubscribe_url(signature.pk),
        "petition_url": absolute(update.petition.get_absolute_url()),
    }
    return mail.compose(
        template="petition_update",
        context=context,
        to=[signature.email],
        language=signature.language or settings.LANGUAGE_CODE,
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
    )


@task
def send_update_batch(*, update_id: int, attempt: int = 0) -> None:
    """Mail an update to the next batch of signers who asked for updates, then
    queue the batch after it.

    The cursor moves past a signer only once their mail is handed over (or
    refused for good, which is counted as failed), one conditional UPDATE per
    signer: a mail server that stops answering mid-batch loses nobody (the
    batch is retried later from where it stopped), and a task that runs twice
    mails nobody twice, bar the one mail in flight when the two meet.
    """
    from petitions.models import PetitionUpdate, Signature

    # The petition's translations once for the batch: each mail is in its signer's language.
    update = (
        PetitionUpdate.objects.select_related("petition")
        .prefetch_related("petition__texts")
        .filter(pk=update_id)
        .first()
    )
    if update is None or update.mailing_finished_at is not None:
        return
    size = settings.PLEA_UPDATE_BATCH_SIZE
    start = cursor = update.mailed_through_id
    waiting = (
        Signature.objects.filter(
            petition_id=update.petition_id, state=Signature.State.CONFIRMED, wants_updates=True, pk__gt=cursor
        )
        .exclude(email="")
        .order_by("pk")
    )
    recipients = list(waiting.only("pk", "email", "full_name", "language")[:size])
    mailer = mailers.default
    try:
        with mailer:  # one connection for the whole batch
            for signature in recipients:
                outcome = (
                    "mailed_count" if mail.hand_over(mailer, _update_message(update, signature)) else "failed_count"
                )
                moved = PetitionUpdate.objects.filter(pk=update.pk, mailed_through_id=cursor).update(
                    mailed_through_id=signature.pk, **{outcome: F(outcome) + 1}
                )
                if not moved:
                    return  # another run of this task is mailing this update
                cursor = signature.pk
    except Exception as error:  # the server stopped answering: later, from where it stopped
        if mail.retry_later(
            send_update_batch, attempt=0 if cursor != start else attempt, error=error, update_id=update.pk
        ):
            return
        # A day of retries without one mail taken: the rest are counted as failed, never dropped silently.
        PetitionUpdate.objects.filter(pk=update.pk, mailed_through_id=cursor).update(
            failed_count=F("failed_count") + waiting.filter(pk__gt=cursor).count(),
            mailing_finished_at=timezone.now(),
        )
        return
    if len(recipients) < size:
        PetitionUpdate.objects.filter(pk=update.pk, mailed_through_id=cursor, mailing_finished_at=None).update(
            mailing_finished_at=timezone.now()
        )
    else:
        send_update_batch.enqueue(update_id=update.pk)


@task
def make_log_checkpoints() -> None:
    """One pass of the checkpoint job (petitions.transparency), for a scheduler
    that enqueues tasks; `manage.py log_checkpoints --loop` runs it in a loop."""
    transparency.make_checkpoints()
