"""The petition as it travels: its share image, the count badge other sites
show, the card they embed, the page of snippets, and the printable poster.

Drafts have none of these (404); a closed petition's say it is closed.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from core import share_image
from petitions import sharing
from petitions.goals import goal_sentence
from petitions.models import Petition
from petitions.qr import qr_svg

VERSION = re.compile(r"[0-9a-f]{16}")
BADGE_WIDTH, BADGE_HEIGHT = 360, 84
# The embed card is the one page other sites may frame.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def _published(slug: str) -> Petition:
    return get_object_or_404(Petition.objects.published().prefetch_related("texts"), slug=slug)


@require_safe
def share_image_view(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    if not VERSION.fullmatch(version):
        raise Http404

    def current_url(current: str) -> str:
        return reverse("petitions:share_image", kwargs={"slug": slug, "version": current})

    return share_image.serve(
        subject=f"petition:{slug}",
        version=version,
        card_now=lambda: sharing.share_card(_published(slug)),
        current_url=current_url,
    )


@require_safe
def share_image_current(request: HttpRequest, slug: str) -> HttpResponse:
    """A stable address for the picture as it is now."""
    return share_image.redirect_to_current(sharing.share_image_url(_published(slug)))


@require_safe
def site_share_image(request: HttpRequest, version: str) -> HttpResponse:
    if not VERSION.fullmatch(version):
        raise Http404
    return share_image.serve(
        subject="site",
        version=version,
        card_now=sharing.site_card,
        current_url=lambda current: reverse("petitions:site_share_image", kwargs={"version": current}),
    )


def _badge_svg(petition: Petition) -> str:
    count = sharing.shown_count(petition)
    accepting = petition.accepts_signatures()
    goal = petition.next_goal
    filled = round((BADGE_WIDTH - 24) * min(count / goal, 1)) if goal else 0
    context = {
        "petition": petition,
        "count": count,
        "goal": goal,
        "accepting": accepting,
        "sentence": goal_sentence(count=count, goal=goal, accepting=accepting),
        "status": sharing.status_line(petition),
        "width": BADGE_WIDTH,
        "height": BADGE_HEIGHT,
        "bar_width": BADGE_WIDTH - 24,
        "filled": filled,
        "filled_negative": -filled,
    }
    return render_to_string("petitions/badge.svg", context)


@require_safe
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The live count as SVG for any site's <img>: served from the cache for
    a few seconds, like the petition page, so a badge on a busy site costs us
    no database work."""
    key = f"plea:badge:{get_language()}:{slug}"
    svg = cache.get(key)
    if svg is None:
        svg = _badge_svg(_published(slug))
        cache.set(key, svg, settings.PLEA_PAGE_CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={settings.PLEA_PAGE_CACHE_SECONDS}"
    return response


@require_safe
@xframe_options_exempt
@csp_override(EMBED_CSP)
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    petition = _published(slug)
    context = _travel_context(petition)
    return render(request, "petitions/petition_embed.html", context)


def _travel_context(petition: Petition) -> dict:
    count = sharing.shown_count(petition)
    accepting = petition.accepts_signatures()
    return {
        "petition": petition,
        "petition_url": sharing.petition_url(petition),
        "count": count,
        "goal": petition.next_goal,
        "accepting": accepting,
        "sentence": goal_sentence(count=count, goal=petition.next_goal, accepting=accepting),
        "status": sharing.status_line(petition),
    }


@require_safe
def share_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Share links, the badge and the embed card as copyable snippets, and the poster."""
    petition = _published(slug)
    context = {
        **_travel_context(petition),
        "badge_url": sharing.absolute(reverse("petitions:badge", kwargs={"slug": slug})),
        "embed_url": sharing.absolute(reverse("petitions:embed", kwargs={"slug": slug})),
        "badge_width": BADGE_WIDTH,
        "badge_height": BADGE_HEIGHT,
    }
    return render(request, "petitions/petition_share.html", context)


@require_safe
def poster(request: HttpRequest, slug: str) -> HttpResponse:
    petition = _published(slug)
    url = sharing.petition_url(petition)
    context = {
        **_travel_context(petition),
        "printed_at": timezone.now(),
        "qr": qr_svg(url, title=petition.local.title, scale=6),
    }
    return render(request, "petitions/petition_poster.html", context)
