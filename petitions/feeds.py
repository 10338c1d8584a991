"""Atom feeds of petitions, in the reader's language (the URL's prefix):
newly opened petitions, and one petition's updates. Drafts never appear."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.markdown import render_markdown
from petitions.models import Petition, PetitionUpdate

FEED_ITEMS = 20


class NewPetitionsFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("New petitions on Plea")

    def subtitle(self) -> str:
        return _("Petitions as they open for signatures.")

    def link(self) -> str:
        return reverse("petitions:list")

    def feed_url(self) -> str:
        return reverse("petitions:feed")

    def items(self):
        return Petition.objects.published().newest().prefetch_related("texts")[:FEED_ITEMS]

    def item_title(self, petition: Petition) -> str:
        return petition.local.title

    def item_description(self, petition: Petition) -> str:
        text = petition.local
        return render_markdown(text.summary or text.story)

    def item_author_name(self, petition: Petition) -> str:
        return petition.organiser_name

    def item_pubdate(self, petition: Petition) -> datetime.datetime | None:
        return petition.opened_at


class PetitionUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Petition:
        return get_object_or_404(Petition.objects.published().prefetch_related("texts"), slug=slug)

    def title(self, petition: Petition) -> str:
        return _("Updates: %(title)s") % {"title": petition.local.title}

    def link(self, petition: Petition) -> str:
        return petition.get_absolute_url()

    def feed_url(self, petition: Petition) -> str:
        return reverse("petitions:updates_feed", kwargs={"slug": petition.slug})

    def items(self, petition: Petition):
        return PetitionUpdate.objects.filter(petition=petition).newest()[:FEED_ITEMS]

    def item_title(self, update: PetitionUpdate) -> str:
        return update.title

    def item_description(self, update: PetitionUpdate) -> str:
        return render_markdown(update.body)

    def item_link(self, update: PetitionUpdate) -> str:
        return reverse("petitions:detail", kwargs={"slug": update.petition.slug})

    def item_guid(self, update: PetitionUpdate) -> str:
        return f"{self.item_link(update)}#update-{update.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, update: PetitionUpdate) -> datetime.datetime:
        return update.posted_at
