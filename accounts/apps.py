from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The foundation the other apps build on: people, roles, invitations,
    sign-in, the audit log and IP hashing. It imports no other app."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts import audit_actions  # noqa: F401  (registers this app's audit actions)

        # Every way in and out (sign-in page, invitation, test client) lists
        # and unlists its session on the account page (accounts.sessions).
        user_logged_in.connect(_session_listed, dispatch_uid="accounts.session_listed")
        user_logged_out.connect(_session_unlisted, dispatch_uid="accounts.session_unlisted")


def _session_listed(sender, request, user, **kwargs) -> None:
    from accounts.sessions import session_started

    if request is not None and hasattr(request, "session"):
        session_started(request=request, user=user)


def _session_unlisted(sender, request, user, **kwargs) -> None:
    from accounts.sessions import session_ended

    if request is not None and hasattr(request, "session"):
        session_ended(request=request)
