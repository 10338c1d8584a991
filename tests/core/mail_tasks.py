"""A task for the mail kernel's tests: one confirmation-style mail, sent
through core.mail.send with its retries, returning what became of it."""

from django.tasks import task

from core import mail

LINK = "https://plea.example.org/ur/p/a-petition-with-a-long-name/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBB/"


@task
def mail_a_signer(*, to: str, language: str, attempt: int = 0) -> str:
    return mail.send(
        template="signature_confirm",
        context={"title": "Free Ekpar Asat", "confirm_url": LINK, "withdraw_url": LINK + "withdraw/"},
        to=[to],
        language=language,
        task=mail_a_signer,
        attempt=attempt,
        task_kwargs={"to": to, "language": language},
    )
