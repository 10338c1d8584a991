from django import template

from core.share_image import Card
from petitions import sharing
from petitions.models import Petition

register = template.Library()


@register.simple_tag
def share_links(petition: Petition) -> list[sharing.ShareLink]:
    return sharing.share_links(petition)


@register.simple_tag
def petition_url(petition: Petition) -> str:
    return sharing.petition_url(petition)


@register.simple_tag
def petition_share_image(petition: Petition) -> dict:
    """The link preview's picture: its absolute address and what it says."""
    card = sharing.share_card(petition)
    return {"path": sharing.share_image_url(petition, card), "alt": card.alt}


@register.simple_tag
def site_share_image() -> dict:
    card: Card = sharing.site_card()
    return {"path": sharing.site_image_url(card), "alt": card.alt}


@register.simple_tag(takes_context=True)
def asked_to_share(context) -> bool:
    """Whether this visitor has just confirmed their signature."""
    return any(sharing.ASK_TO_SHARE in message.extra_tags for message in context.get("messages", ()))
