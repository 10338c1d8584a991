"""The roles people hold on petitions (petitions.Organiser rows), as
accounts asks for them: accounts sits below this app and may not reach it,
so this app registers `PetitionRoles` with it (accounts.roles) from
PetitionsConfig.ready()."""

from collections.abc import Collection

from django.db import models
from django.db.models.functions import Cast

from petitions.models import Organiser, Petition


class PetitionRoles:
    subject_type = Petition._meta.label_lower

    def holds_role(self, user, *, roles: Collection[str]) -> bool:
        return Organiser.objects.filter(user=user, role__in=roles).exists()

    def subject_ids(self, user, *, roles: Collection[str]) -> models.QuerySet:
        # As text: that is how audit entries name their subject.
        return (
            Organiser.objects.filter(user=user, role__in=roles)
            .annotate(subject_id=Cast("petition_id", models.CharField(max_length=64)))
            .values("subject_id")
        )

    def subjects(self) -> models.QuerySet:
        return Petition.objects.order_by("title")

    def grant(self, *, user, subject_id: str, role: str) -> None:
        Organiser.objects.get_or_create(petition_id=int(subject_id), user=user, defaults={"role": role})
