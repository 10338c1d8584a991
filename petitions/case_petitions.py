"""The petitions that fight for a case, as the cases app shows them: the
link is this app's (Petition.cases), registered with cases from
PetitionsConfig.ready() (cases.petition_links)."""

from django.db import models

from petitions.models import Petition


def petitions_for_case(case, *, with_texts: bool = False) -> models.QuerySet:
    petitions = Petition.objects.filter(cases=case).published().most_signed()
    return petitions.prefetch_related("texts") if with_texts else petitions
