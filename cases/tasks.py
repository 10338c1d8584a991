"""Mail about what families send, through Django's task framework. Tasks
carry ids, never addresses: each reads what it needs when it runs."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.roles import CASE_EDITORS_GROUP
from core import mail_delivery

logger = logging.getLogger(__name__)


def _send(*, subject_template: str, body_template: str, context: dict, to: list[str], **extra) -> None:
    subject = " ".join(render_to_string(subject_template, context).split())
    body = render_to_string(body_template, context)
    EmailMessage(subject=subject, body=body, to=to, **extra).send()


def case_editor_addresses() -> list[str]:
    editors = (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=CASE_EDITORS_GROUP), is_active=True)
        .exclude(email="")
    )
    return sorted(set(editors.values_list("email", flat=True)))


@task
def notify_removal_request(*, submission_id: int, attempt: int = 0) -> None:
    """Tell case editors at once that someone asks for a case to be taken
    down: a link to the queue, none of the sender's details."""
    from cases.models import Submission

    submission = Submission.objects.select_related("case").filter(pk=submission_id).first()
    recipients = case_editor_addresses()
    if submission is None or not recipients:
        return
    path = reverse("organisers:intake_detail", kwargs={"pk": submission.pk})
    context = {"submission": submission, "url": settings.SITE_URL + path}
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _send(
                subject_template="emails/removal_request_subject.txt",
                body_template="emails/removal_request.txt",
                context=context,
                to=recipients,
            )
    except Exception as error:  # any backend's failure: retried later, or reported
        if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
            notify_removal_request, attempt=attempt, error=error, submission_id=submission_id
        ):
            logger.error("Removal request %d could not be mailed (%s)", submission_id, type(error).__name__)


@task
def send_information_request(*, submission_id: int, message: str, attempt: int = 0) -> None:
    """A case editor's questions, to the address the sender gave, in the
    language they wrote in."""
    from cases.models import Submission

    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None or not submission.contact_email:
        return
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        try:
            _send(
                subject_template="emails/information_request_subject.txt",
                body_template="emails/information_request.txt",
                context={"submission": submission, "message": message},
                to=[submission.contact_email],
                reply_to=[settings.PLEA_INTAKE_REPLY_TO],
            )
        except Exception as error:
            if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
                send_information_request, attempt=attempt, error=error, submission_id=submission_id, message=message
            ):
                # Never the address: only which submission.
                logger.error("Questions for submission %d not mailed (%s)", submission_id, type(error).__name__)
