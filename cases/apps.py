from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_EDITORS_GROUP

CURATED_MODELS = [
    "case",
    "casename",
    "casetext",
    "caselink",
    "caseidentifier",
    "event",
    "testimony",
    "testifiercontact",
    "source",
    "statistic",
]


def give_case_editors_their_permissions(sender, using="default", **kwargs):
    """Case editors may view, add and change everything about cases, never
    delete: a case that must go from public view is unpublished instead."""
    from django.contrib.auth.models import Group, Permission

    editors, _ = Group.objects.using(using).get_or_create(name=CASE_EDITORS_GROUP)
    editors.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="cases",
            content_type__model__in=CURATED_MODELS,
            codename__regex=r"^(view|add|change)_",
        ),
        # A wrong identifier flags the wrong duplicates: editors remove it.
        *Permission.objects.using(using).filter(content_type__app_label="cases", codename="delete_caseidentifier"),
    )


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases import audit_actions  # noqa: F401  (registers this app's audit actions)
        from cases.models import Case, CaseName, index_spelling_words, retire_deleted_public_case

        post_migrate.connect(give_case_editors_their_permissions, sender=self)
        post_save.connect(index_spelling_words, sender=CaseName)
        post_delete.connect(retire_deleted_public_case, sender=Case)
