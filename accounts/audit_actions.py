"""The audit actions of sign-in, second factors, sessions and invitations
(accounts.audit_registry says why each app registers its own)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit_registry import register

INVITATION_CREATE = register("invitation.create", _("Invited someone"))
INVITATION_ACCEPT = register("invitation.accept", _("Accepted an invitation"))
SECOND_FACTOR = register("two_factor.verify", _("Confirmed a sign-in with a second factor"))
RECOVERY_CODE_USE = register("two_factor.recovery_code", _("Used a recovery code"))
RECOVERY_CODES_NEW = register("two_factor.recovery_codes", _("Made new recovery codes"))
SECOND_FACTOR_ADD = register("two_factor.add", _("Added an authenticator app"))
SECOND_FACTOR_REMOVE = register("two_factor.remove", _("Removed a second factor"))
SECOND_FACTOR_RESET = register("two_factor.reset", _("Reset someone's two-factor sign-in"))
SESSION_END = register("session.end", _("Signed out a session"))
SESSIONS_END_OTHERS = register("session.end_others", _("Signed out everywhere else"))
