from django import template

from cases import sharing
from cases.models import Case

register = template.Library()


@register.simple_tag
def case_share_image(case: Case) -> dict:
    """The link preview's picture: its address and what it says."""
    card = sharing.share_card(case)
    return {"path": sharing.share_image_url(case, card), "alt": card.alt}
