"""Mail to signers, sent through Django's task framework: confirmations,
reminders and petition updates."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import prefetch_related_objects
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from petitions.tokens import Purpose, make_token


class SignerMail:
    CONFIRM = "confirm"
    ALREADY_SIGNED = "already_signed"
    TEMPLATES = {CONFIRM: "emails/signature_confirm", ALREADY_SIGNED: "emails/signature_already_signed"}


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


@task
def send_signer_mail(*, signature_id: int, kind: str) -> None:
    from petitions.models import Signature

    signature = Signature.objects.select_related("petition").filter(pk=signature_id).first()
    if signature is None or not signature.email or kind not in SignerMail.TEMPLATES:
        return  # withdrawn (and wiped) before the mail went out: nothing to send
    if signature.language != signature.petition.language:
        # Only then does `petition.local` read the translations (subject and body).
        prefetch_related_objects([signature.petition], "texts")
    template = SignerMail.TEMPLATES[kind]
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        context = {"signature": signature, "petition": signature.petition, **signer_links(signature.pk)}
        # Subjects are one line: a petition title can never inject a header.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject=subject, body=body, to=[signature.email]).send()


@task
def mail_after_signing(*, signature_id: int | None, fresh: bool) -> None:
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
        send_signer_mail.call(signature_id=signature.pk, kind=kind)


def unsubscribe_url(signature_id: int) -> str:
    token = make_token(signature_id=signature_id, purpose=Purpose.UNSUBSCRIBE)
    return absolute(reverse("petitions:unsubscribe", kwargs={"token": token}))


def _update_message(update, signature) -> EmailMessage:
    links = signer_links(signature.pk)
    context = {
        "update": update,
        "petition": update.petition,
        "signature": signature,
        "withdraw_url": links["withdraw_url"],
        "unsubscribe_url": unsubscribe_url(signature.pk),
        "petition_url": absolute(update.petition.get_absolute_url()),
    }
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/petition_update_subject.txt", context).split())
        body = render_to_string("emails/petition_update.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[signature.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
    )


@task
def send_update_batch(*, update_id: int) -> None:
    """Mail an update to the next batch of signers who asked for updates,
    then queue the batch after it. The batch is claimed (the cursor moved)
    before anything is sent, so a task that runs twice mails nobody twice."""
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
    cursor = update.mailed_through_id
    recipients = list(
        Signature.objects.filter(
            petition_id=update.petition_id,
            state=Signature.State.CONFIRMED,
            wants_updates=True,
            pk__gt=cursor,
        )
        .exclude(email="")
        .order_by("pk")
        .only("pk", "email", "full_name", "language")[:size]
    )
    last = recipients[-1].pk if recipients else cursor
    finished = len(recipients) < size
    claimed = PetitionUpdate.objects.filter(pk=update.pk, mailed_through_id=cursor, mailing_finished_at=None).update(
        mailed_through_id=last,
        mailed_count=update.mailed_count + len(recipients),
        mailing_finished_at=timezone.now() if finished else None,
    )
    if not claimed:
        return
    if recipients:
        messages = [_update_message(update, signature) for signature in recipients]
        # One connection for the whole batch.
        mailers.default.send_messages(messages)
    if not finished:
        send_update_batch.enqueue(update_id=update.pk)
