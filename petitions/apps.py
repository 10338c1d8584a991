from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from accounts.roles import register_role_provider
        from cases.petition_links import register_petitions_finder
        from petitions import audit_actions  # noqa: F401  (registers this app's audit actions)
        from petitions.case_petitions import petitions_for_case
        from petitions.organiser_roles import PetitionRoles

        register_role_provider(PetitionRoles())
        register_petitions_finder(petitions_for_case)
