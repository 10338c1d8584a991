"""The number beside the case desk's link: what waits for this editor."""

from django import template

from cases.models import CaseRevision, Photo, Statistic, Submission, Visibility

register = template.Library()


@register.simple_tag
def desk_waiting(user) -> int:
    """Changes, photos and figures someone else submitted, and open urgent
    removal requests."""
    # One query for every page a case editor opens.
    waiting = [
        CaseRevision.objects.waiting_for(user),
        Photo.objects.awaiting_approval().exclude(submitted_by=user),
        Statistic.objects.filter(submitted_at__isnull=False)
        .exclude(visibility=Visibility.PUBLIC)
        .exclude(submitted_by=user),
        Submission.objects.still_open().filter(urgent=True),
    ]
    first, *others = (rows.order_by().values_list("pk") for rows in waiting)
    return first.union(*others, all=True).count()
