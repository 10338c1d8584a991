"""A person's link-preview picture: their name in each script it is written
in, and their status. Never a photo: a face in a preview travels further than
any consent given for the page."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import Case
from core.share_image import Card, site_footer

SHOWN_SPELLINGS = 4


def share_card(case: Case) -> Card:
    """`case` comes with its names (Case.objects.with_names())."""
    spellings = [] if case.name_unknown else [name.text for name in case.ordered_names[1 : 1 + SHOWN_SPELLINGS]]
    status = case.get_status_display()
    if case.status_as_of:
        status = f"{status} · {_('as of %(date)s') % {'date': case.status_as_of_display}}"
    return Card(
        language=get_language() or settings.LANGUAGE_CODE,
        title=case.display_name,
        lines=tuple(line for line in (" · ".join(spellings), status) if line),
        footer=site_footer(),
    )


def share_image_url(case: Case, card: Card | None = None) -> str:
    card = card or share_card(case)
    return reverse("cases:share_image", kwargs={"reference": case.reference, "version": card.version})
