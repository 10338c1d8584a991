"""The invitation email, sent through Django's task framework."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.tokens import invitation_token
from core import mail_delivery

logger = logging.getLogger(__name__)


@task
def send_invitation(*, invitation_id: int, attempt: int = 0) -> None:
    from accounts.models import Invitation

    invitation = Invitation.objects.select_related("petition", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    url = settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation.pk)})
    context = {"invitation": invitation, "accept_url": url, "days": settings.PLEA_INVITATION_MAX_AGE // 86400}
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    body = render_to_string("emails/invitation.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    except Exception as error:  # any backend's failure: retried later, or reported
        if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
            send_invitation, attempt=attempt, error=error, invitation_id=invitation_id
        ):
            # Staff invite again once the address or the mail server is fixed.
            logger.error("Invitation %d could not be mailed (%s)", invitation_id, type(error).__name__)
