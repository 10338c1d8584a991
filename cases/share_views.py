import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from cases import sharing
from cases.models import Case, RetiredCaseAddress
from cases.views import case_gone
from core import share_image

VERSION = re.compile(r"[0-9a-f]{16}")


@require_safe
def share_image_view(request: HttpRequest, reference: str, version: str) -> HttpResponse:
    """A public person's link-preview picture; nobody else has one."""
    if not VERSION.fullmatch(version):
        raise Http404
    # Checked before the cache, which may still hold the picture drawn
    # while the person was public.
    if RetiredCaseAddress.objects.filter(reference=reference).exists():
        return case_gone(request)

    def card_now():
        return sharing.share_card(get_object_or_404(Case.objects.public().with_names(), reference=reference))

    return share_image.serve(
        subject=f"case:{reference}",
        version=version,
        card_now=card_now,
        current_url=lambda current: reverse("cases:share_image", kwargs={"reference": reference, "version": current}),
    )
