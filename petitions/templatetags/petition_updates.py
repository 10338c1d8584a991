from django import template

from petitions.models import PetitionUpdate

register = template.Library()

SHOWN_UPDATES = 10


@register.simple_tag
def petition_updates(petition) -> list[PetitionUpdate]:
    """The newest updates on a petition, for its public page."""
    return list(PetitionUpdate.objects.filter(petition=petition).newest()[:SHOWN_UPDATES])
