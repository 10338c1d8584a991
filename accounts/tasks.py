"""The invitation and password-reset emails, sent through Django's task framework."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.tokens import invitation_token
from core import mail_delivery

logger = logging.getLogger(__name__)


@task
def send_invitation(*, invitation_id: int, attempt: int = 0) -> None:
    """To an address with an account: sign in and accept. Without one: make
    an account, if staff invited; an owner's invitation to an unknown
    address sends nothing (owners do not make accounts), which the
    organisers page says whoever the address is."""
    from accounts.invitations import account_for, may_create_account
    from accounts.models import Invitation

    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    account = account_for(invitation)
    if account is None and not may_create_account(invitation):
        return
    url = settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation.pk)})
    context = {
        "invitation": invitation,
        "account": account,
        "accept_url": url,
        "days": settings.PLEA_INVITATION_MAX_AGE // 86400,
    }
    name = "invitation_to_account" if account else "invitation"
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    except Exception as error:  # any backend's failure: retried later, or reported
        if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
            send_invitation, attempt=attempt, error=error, invitation_id=invitation_id
        ):
            # Staff invite again once the address or the mail server is fixed.
            logger.error("Invitation %d could not be mailed (%s)", invitation_id, type(error).__name__)


@task
def send_password_reset(*, email: str, language: str, attempt: int = 0) -> None:
    """The reset link, to every active account with this address (usually
    none or one). Queued for every request, known address or not, so the
    reset page takes as long either way; the link is built from SITE_URL,
    never from the Host a request claimed."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    with translation.override(language):
        for user in PasswordResetForm().get_users(email):
            path = reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            context = {"user": user, "reset_url": settings.SITE_URL + path}
            subject = " ".join(render_to_string("emails/password_reset_subject.txt", context).split())
            body = render_to_string("emails/password_reset.txt", context)
            try:
                EmailMessage(subject=subject, body=body, to=[getattr(user, user.get_email_field_name())]).send()
            except Exception as error:  # retried like every other mail; the person can also ask again
                if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
                    send_password_reset, attempt=attempt, error=error, email=email, language=language
                ):
                    logger.error("A password reset could not be mailed (%s)", type(error).__name__)


@task
def send_new_device_notice(*, user_id: int, browser: str, at: str, language: str, attempt: int = 0) -> None:
    """Tell the account holder of a sign-in from a device it had not been
    used on: when and which browser (no place: we do not locate people)."""
    import datetime

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    with translation.override(language):
        context = {
            "user": user,
            "browser": " ".join(browser.split()) or "?",
            "at": datetime.datetime.fromisoformat(at),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
        }
        subject = " ".join(render_to_string("emails/new_device_subject.txt", context).split())
        body = render_to_string("emails/new_device.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except Exception as error:  # retried like every other mail
        if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
            send_new_device_notice,
            attempt=attempt,
            error=error,
            user_id=user_id,
            browser=browser,
            at=at,
            language=language,
        ):
            logger.error("A new-device notice could not be mailed (%s)", type(error).__name__)


@task
def send_two_factor_notice(
    *, user_id: int, event: str, at: str, language: str, left: int | None = None, attempt: int = 0
) -> None:
    """Tell the account holder that their second factors changed, or that a
    recovery code was used: if it was not them, someone holds their password
    and more."""
    import datetime

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    with translation.override(language):
        context = {
            "user": user,
            "event": event,
            "left": left,
            "at": datetime.datetime.fromisoformat(at),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
            "manage_url": settings.SITE_URL + reverse("two_factor_manage"),
        }
        subject = " ".join(render_to_string("emails/two_factor_subject.txt", context).split())
        body = render_to_string("emails/two_factor.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except Exception as error:  # retried like every other mail
        if mail_delivery.is_permanent(error) or not mail_delivery.retry_later(
            send_two_factor_notice,
            attempt=attempt,
            error=error,
            user_id=user_id,
            event=event,
            at=at,
            language=language,
            left=left,
        ):
            logger.error("A two-factor notice could not be mailed (%s)", type(error).__name__)
