"""The number beside the case desk's link: what waits for this editor."""

from django import template

from cases.models import CaseRevision, Photo, Statistic, Submission, Visibility

register = template.Library()


@register.simple_tag
def desk_waiting(user) -> int:
    """Changes, photos and figures someone else submitted, and open urgent
    removal requests."""
    return (
        CaseRevision.objects.waiting_for(user).count()
        + Photo.objects.awaiting_approval().exclude(submitted_by=user).count()
        + Statistic.objects.filter(submitted_at__isnull=False)
        .exclude(visibility=Visibility.PUBLIC)
        .exclude(submitted_by=user)
        .count()
        + Submission.objects.still_open().filter(urgent=True).count()
    )
