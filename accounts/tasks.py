"""The invitation and password-reset emails, sent through Django's task framework."""

import logging

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation

from accounts.tokens import invitation_token
from core import mail

logger = logging.getLogger(__name__)


@task
def send_invitation(*, invitation_id: int, attempt: int = 0) -> None:
    """To an address with an account: sign in and accept. Without one: make
    an account, if staff invited; an owner's invitation to an unknown
    address sends nothing (owners do not make accounts), which the
    organisers page says whoever the address is."""
    from accounts.invitations import account_for, may_create_account
    from accounts.models import Invitation

    invitation = Invitation.objects.select_related("petition", "invited_by").filter(pk=invitation_id).first()
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
    delivery = mail.send(
        template="invitation_to_account" if account else "invitation",
        context=context,
        to=[invitation.email],
        language=None,  # an invitation records no language: the one active when it is sent
        task=send_invitation,
        attempt=attempt,
        task_kwargs={"invitation_id": invitation_id},
    )
    if delivery is mail.Delivery.FAILED:
        # Staff invite again once the address or the mail server is fixed.
        logger.error("Invitation %d could not be mailed", invitation_id)


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
            delivery = mail.send(
                template="password_reset",
                context={"user": user, "reset_url": settings.SITE_URL + path},
                to=[getattr(user, user.get_email_field_name())],
                language=language,
                task=send_password_reset,
                attempt=attempt,
                task_kwargs={"email": email, "language": language},
            )
            if delivery is mail.Delivery.FAILED:  # the person can also ask again
                logger.error("A password reset could not be mailed")


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
    delivery = mail.send(
        template="new_device",
        context=context,
        to=[user.email],
        language=language,
        task=send_new_device_notice,
        attempt=attempt,
        task_kwargs={"user_id": user_id, "browser": browser, "at": at, "language": language},
    )
    if delivery is mail.Delivery.FAILED:
        logger.error("A new-device notice could not be mailed")


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
    delivery = mail.send(
        template="two_factor",
        context=context,
        to=[user.email],
        language=language,
        task=send_two_factor_notice,
        attempt=attempt,
        task_kwargs={"user_id": user_id, "event": event, "at": at, "language": language, "left": left},
    )
    if delivery is mail.Delivery.FAILED:
        logger.error("A two-factor notice could not be mailed")
