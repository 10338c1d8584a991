"""An Atom feed of newly published cases, in the reader's language (the
URL's prefix). Only public cases; the date is when publication was approved."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cases.models import Case
from core.markdown import render_markdown

FEED_ITEMS = 20


class NewCasesFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Newly published cases on Plea")

    def subtitle(self) -> str:
        return _("People whose stories were published here, newest first.")

    def link(self) -> str:
        return reverse("cases:list")

    def feed_url(self) -> str:
        return reverse("cases:feed")

    def items(self):
        return Case.objects.public().with_names().prefetch_related("texts").order_by("-approved_at", "-pk")[:FEED_ITEMS]

    def item_title(self, case: Case) -> str:
        return f"{case.display_name}: {case.get_status_display()}"

    def item_description(self, case: Case) -> str:
        return render_markdown(case.local.summary)

    def item_pubdate(self, case: Case) -> datetime.datetime | None:
        return case.approved_at
