"""Mail to signers, sent through Django's task framework."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

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
    template = SignerMail.TEMPLATES[kind]
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        context = {"signature": signature, "petition": signature.petition, **signer_links(signature.pk)}
        # Subjects are one line: a petition title can never inject a header.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject=subject, body=body, to=[signature.email]).send()
