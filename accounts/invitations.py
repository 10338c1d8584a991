"""Accounts exist only by invitation: staff invite, the invitee sets a password."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import models, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEntry, Invitation
from accounts.roles import CASE_EDITORS_GROUP, ORGANISERS_GROUP
from accounts.tasks import send_invitation
from accounts.tokens import INVITATION_SALT


class InvitationInvalid(Exception):
    pass


class InvitationExpired(Exception):
    pass


class InvitationUsed(Exception):
    pass


def invitation_from_token(token: str) -> Invitation:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=settings.PLEA_INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationExpired from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise InvitationInvalid from None
    invitation = Invitation.objects.select_related("petition").filter(pk=pk).first() if isinstance(pk, int) else None
    if invitation is None:
        raise InvitationInvalid
    if invitation.accepted_at is not None:
        raise InvitationUsed
    return invitation


def invitation_create(
    *,
    by,
    email: str,
    petition: models.Model | None,
    role: str,
    organiser: bool,
    case_editor: bool,
) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip(),
            petition=petition,
            role=role if petition else "",
            organiser=organiser,
            case_editor=case_editor,
            invited_by=by,
        )
        audit.record(
            by=by,
            action=AuditEntry.Action.INVITATION_CREATE,
            petition=petition,
            target=invitation,
            details={"email": invitation.email, "role": invitation.role, "case_editor": case_editor},
        )
        transaction.on_commit(lambda: send_invitation.enqueue(invitation_id=invitation.pk))
    return invitation


def invitation_accept(*, invitation: Invitation, username: str, password: str, now: datetime.datetime | None = None):
    """Create the account, give it what the invitation promised, mark the
    invitation used (once: a second accept of the same link fails)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(accepted_at=now):
            raise InvitationUsed
        user = get_user_model().objects.create_user(username=username, email=invitation.email, password=password)
        Invitation.objects.filter(pk=invitation.pk).update(user=user)
        if invitation.organiser or invitation.petition_id:
            user.groups.add(Group.objects.get_or_create(name=ORGANISERS_GROUP)[0])
        if invitation.case_editor:
            user.groups.add(Group.objects.get_or_create(name=CASE_EDITORS_GROUP)[0])
            # Cases are curated in the admin; the group's permissions limit it to cases.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if invitation.petition_id and invitation.role:
            # The petitions.Organiser row, through the user's relation to it.
            user.petition_roles.get_or_create(petition_id=invitation.petition_id, defaults={"role": invitation.role})
        audit.record(
            by=user,
            action=AuditEntry.Action.INVITATION_ACCEPT,
            petition=invitation.petition,
            target=invitation,
            details={"role": invitation.role, "case_editor": invitation.case_editor},
        )
    return user
