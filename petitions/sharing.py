"""How a petition travels: the count it shows off our pages, its drawn
share image, and the plain share links.

Share links are ordinary links to each service's own share page, with the
petition's address and a sentence encoded in them: no script or frame of
theirs on our pages, and nothing in the address that says who shared it.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.share_image import Card, site_footer
from petitions.goals import goal_sentence, next_goal
from petitions.models import Petition

# The tag on the "confirmed" message that makes the petition page ask the
# signer to pass it on.
ASK_TO_SHARE = "ask-to-share"


def shown_count(petition: Petition) -> int:
    """The count the badge, share image, embed card and poster show: online
    and paper signatures, as the goal ladder counts. Read here and only here."""
    return petition.total_signature_count


def rounded_count(count: int) -> int:
    """The count a share image shows: exact below 100, otherwise rounded
    down to two significant figures (1,234 -> 1,200), so a surge redraws the
    picture every hundred signatures at 1,000, not on every one. A rung of the
    goal ladder survives the rounding, so the goal shown stays right."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count - count % step


def absolute(path: str) -> str:
    """Our own address for `path`, from settings rather than the request's
    Host header, which a visitor controls."""
    return f"{settings.SITE_URL}{path}"


def petition_url(petition: Petition) -> str:
    return absolute(petition.get_absolute_url())


def status_line(petition: Petition) -> str:
    if petition.status == Petition.Status.VICTORY:
        return _("Victory! This petition is closed.")
    if not petition.accepts_signatures():
        return _("This petition is closed.")
    return ""


def share_card(petition: Petition) -> Card:
    """What the petition's share image shows, in the active language."""
    exact = shown_count(petition)
    count = rounded_count(exact)
    goal = next_goal(exact, fixed_goal=petition.goal)
    accepting = petition.accepts_signatures()
    lines = [goal_sentence(count=count, goal=goal, accepting=accepting)]
    if status := status_line(petition):
        lines.append(status)
    return Card(
        language=get_language() or settings.LANGUAGE_CODE,
        title=petition.local.title,
        lines=tuple(lines),
        progress=(count, goal) if accepting else None,
        footer=site_footer(),
    )


def site_card() -> Card:
    """The picture for pages that are not about one petition or person."""
    return Card(
        language=get_language() or settings.LANGUAGE_CODE,
        title=_("Petitions and case stories for people detained or trapped in Xinjiang."),
        footer=site_footer(),
    )


def share_image_url(petition: Petition, card: Card | None = None) -> str:
    card = card or share_card(petition)
    return reverse("petitions:share_image", kwargs={"slug": petition.slug, "version": card.version})


def site_image_url(card: Card | None = None) -> str:
    return reverse("petitions:site_share_image", kwargs={"version": (card or site_card()).version})


@dataclass(frozen=True)
class ShareLink:
    service: str  # a stable name, for the icon's class and for tests
    label: str
    url: str


def share_text(petition: Petition) -> str:
    return _("Please sign this petition: %(title)s") % {"title": petition.local.title}


def share_links(petition: Petition) -> list[ShareLink]:
    url = petition_url(petition)
    text = share_text(petition)
    title = petition.local.title

    def q(**params: str) -> str:
        return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)

    return [
        ShareLink("whatsapp", "WhatsApp", f"https://wa.me/?{q(text=f'{text} {url}')}"),
        ShareLink("telegram", "Telegram", f"https://t.me/share/url?{q(url=url, text=text)}"),
        ShareLink("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?{q(u=url)}"),
        ShareLink("x", "X", f"https://x.com/intent/post?{q(text=text, url=url)}"),
        ShareLink("vk", "VK", f"https://vk.com/share.php?{q(url=url, title=title)}"),
        ShareLink("email", _("Email"), f"mailto:?{q(subject=title, body=f'{text}\n\n{url}')}"),
    ]
