"""The signed link in an invitation email."""

from django.core import signing

INVITATION_SALT = "plea.invitation"


def invitation_token(invitation_id: int) -> str:
    return signing.dumps(invitation_id, salt=INVITATION_SALT, compress=False)
