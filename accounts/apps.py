from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The foundation the other apps build on: people, roles, invitations,
    sign-in, the audit log and IP hashing. It imports no other app."""

    name = "accounts"
    verbose_name = _("Accounts")
