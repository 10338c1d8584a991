"""Accounts and roles exist only by invitation, and a role only by consent.

Staff invite people to a new account (the invitee chooses a username and
password); anyone who may manage a petition's organisers invites people to
a role on it. An address that already has an account is mailed a link to
accept by signing in. The inviter is told the same whichever it is, so the
page reveals nothing about who has an account, and nobody is handed a role
(or its mail) without saying yes."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from accounts import audit, audit_actions
from accounts.models import Invitation, subject_type_of
from accounts.roles import CASE_EDITORS_GROUP, ORGANISERS_GROUP, is_site_staff, role_provider
from accounts.tasks import send_invitation
from accounts.tokens import INVITATION_SALT


class InvitationInvalid(Exception):
    pass


class InvitationExpired(Exception):
    pass


class InvitationUsed(Exception):
    pass


class InvitationForSomeoneElse(Exception):
    """Signed in as an account other than the one invited."""


def account_for(invitation: Invitation):
    """The active account the invitation's address belongs to, if any."""
    return get_user_model().objects.filter(is_active=True, email__iexact=invitation.email).order_by("pk").first()


def may_create_account(invitation: Invitation) -> bool:
    """Only staff make new accounts; an owner's invitation to an address
    without one waits until staff invite that person."""
    return is_site_staff(invitation.invited_by)


def invitation_from_token(token: str) -> Invitation:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=settings.PLEA_INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationExpired from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise InvitationInvalid from None
    invitation = Invitation.objects.select_related("invited_by").filter(pk=pk).first() if isinstance(pk, int) else None
    if invitation is None or (invitation.subject_id and invitation.subject is None):  # its petition is gone
        raise InvitationInvalid
    if invitation.accepted_at is not None:
        raise InvitationUsed
    return invitation


def invitation_create(
    *,
    by,
    email: str,
    subject: models.Model | None,
    role: str,
    organiser: bool = False,
    case_editor: bool = False,
) -> Invitation:
    """Record the invitation; the mail (to an account, or to make one) is
    chosen by the task, so this takes as long whoever the address is."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip(),
            subject_type=subject_type_of(subject) if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            role=role if subject is not None else "",
            organiser=organiser,
            case_editor=case_editor,
            invited_by=by,
        )
        audit.record(
            by=by,
            action=audit_actions.INVITATION_CREATE,
            subject=subject,
            target=invitation,
            details={"email": invitation.email, "role": invitation.role, "case_editor": case_editor},
        )
        transaction.on_commit(lambda: send_invitation.enqueue(invitation_id=invitation.pk))
    return invitation


def _grant(*, invitation: Invitation, user) -> None:
    """Give the account what the invitation promised: a group grant only
    when staff made one; a petition role never implies starting petitions."""
    if invitation.organiser:
        user.groups.add(Group.objects.get_or_create(name=ORGANISERS_GROUP)[0])
    if invitation.case_editor:
        user.groups.add(Group.objects.get_or_create(name=CASE_EDITORS_GROUP)[0])
        # Cases are curated in the admin; the group's permissions limit it to cases.
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    subject = invitation.subject
    if subject is not None and invitation.role:
        provider = role_provider()
        if provider is None:
            raise ImproperlyConfigured("An invitation with a role needs a role provider (accounts.roles).")
        provider.grant(user=user, subject_id=invitation.subject_id, role=invitation.role)
    audit.record(
        by=user,
        action=audit_actions.INVITATION_ACCEPT,
        subject=subject,
        target=invitation,
        details={"role": invitation.role, "organiser": invitation.organiser, "case_editor": invitation.case_editor},
    )


def _mark_used(*, invitation: Invitation, now: datetime.datetime) -> None:
    if not Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(accepted_at=now):
        raise InvitationUsed


def invitation_accept(*, invitation: Invitation, username: str, password: str, now: datetime.datetime | None = None):
    """Create the account, give it what the invitation promised, mark the
    invitation used (once: a second accept of the same link fails)."""
    now = now or timezone.now()
    if not may_create_account(invitation):
        raise InvitationInvalid
    with transaction.atomic():
        _mark_used(invitation=invitation, now=now)
        user = get_user_model().objects.create_user(username=username, email=invitation.email, password=password)
        Invitation.objects.filter(pk=invitation.pk).update(user=user)
        _grant(invitation=invitation, user=user)
    return user


def invitation_accept_signed_in(*, invitation: Invitation, by, now: datetime.datetime | None = None) -> None:
    """The invited account, signed in, says yes."""
    now = now or timezone.now()
    if not by.is_authenticated or not by.is_active or by.email.casefold() != invitation.email.casefold():
        raise InvitationForSomeoneElse
    with transaction.atomic():
        _mark_used(invitation=invitation, now=now)
        Invitation.objects.filter(pk=invitation.pk).update(user=by)
        _grant(invitation=invitation, user=by)
