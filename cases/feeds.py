"""An Atom feed of newly published cases, in the reader's language (the
URL's prefix). Only public cases; the date is when publication was approved."""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cases.models import Case, CaseRevision
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


class CaseCorrectionsFeed(Feed):
    """A public case's correction log: when, what kind of thing changed,
    and the editor's public reason. Nothing else of a change."""

    feed_type = Atom1Feed

    def get_object(self, request, reference: str) -> Case:
        return get_object_or_404(Case.objects.public().with_names(), reference=reference)

    def title(self, case: Case) -> str:
        return _("Corrections to the page of %(name)s") % {"name": case.display_name}

    def link(self, case: Case) -> str:
        return case.get_absolute_url() + "#corrections-title"

    def feed_url(self, case: Case) -> str:
        return reverse("cases:corrections_feed", kwargs={"reference": case.reference})

    def items(self, case: Case):
        return case.revisions.corrections()[:FEED_ITEMS]

    def item_title(self, revision: CaseRevision) -> str:
        return revision.changed_parts_display or _("Correction")

    def item_description(self, revision: CaseRevision) -> str:
        return revision.public_reason

    def item_link(self, revision: CaseRevision) -> str:
        return revision.case.get_absolute_url() + f"#correction-{revision.pk}"

    def item_pubdate(self, revision: CaseRevision) -> datetime.datetime | None:
        return revision.reviewed_at
