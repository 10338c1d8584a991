"""Mail about what families send, through Django's task framework. Tasks
carry ids, never addresses: each reads what it needs when it runs."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.tasks import task
from django.urls import reverse

from accounts.roles import CASE_EDITORS_GROUP
from core import mail

logger = logging.getLogger(__name__)


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
    delivery = mail.send(
        template="removal_request",
        context={"submission": submission, "url": settings.SITE_URL + path},
        to=recipients,
        language=settings.LANGUAGE_CODE,  # the editors' working language
        task=notify_removal_request,
        attempt=attempt,
        task_kwargs={"submission_id": submission_id},
    )
    if delivery is mail.Delivery.FAILED:
        logger.error("Removal request %d could not be mailed", submission_id)


@task
def send_information_request(*, submission_id: int, message: str, attempt: int = 0) -> None:
    """A case editor's questions, to the address the sender gave, in the
    language they wrote in."""
    from cases.models import Submission

    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None or not submission.contact_email:
        return
    delivery = mail.send(
        template="information_request",
        context={"submission": submission, "message": message},
        to=[submission.contact_email],
        language=submission.language or settings.LANGUAGE_CODE,
        reply_to=[settings.PLEA_INTAKE_REPLY_TO],
        task=send_information_request,
        attempt=attempt,
        task_kwargs={"submission_id": submission_id, "message": message},
    )
    if delivery is mail.Delivery.FAILED:
        # Never the address: only which submission.
        logger.error("Questions for submission %d not mailed", submission_id)
