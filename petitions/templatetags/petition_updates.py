from dataclasses import dataclass
from datetime import date

from django import template
from django.utils import timezone

from petitions.models import Delivery, OfficialResponse, PetitionUpdate

register = template.Library()

SHOWN_UPDATES = 10


@register.simple_tag
def petition_updates(petition) -> list[PetitionUpdate]:
    """The newest updates on a petition, for its public page. An update that
    announced a response is left out: the response itself is shown."""
    return list(PetitionUpdate.objects.filter(petition=petition, response__isnull=True).newest()[:SHOWN_UPDATES])


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # "update", "delivery" or "response"
    record: PetitionUpdate | Delivery | OfficialResponse


@dataclass(frozen=True)
class DeliveryStory:
    responses: list[OfficialResponse]
    timeline: list[Event]
    # Days since the first delivery while nothing has come back; None otherwise.
    days_waiting: int | None


@register.simple_tag
def delivery_story(petition) -> DeliveryStory:
    """Responses (shown prominently) and the timeline of updates, deliveries
    and responses, newest first: three queries whatever their number, read
    once per page however many parts of the page show them."""
    cached = getattr(petition, "_delivery_story", None)
    if cached is not None:
        return cached
    responses = list(OfficialResponse.objects.filter(petition=petition))
    deliveries = list(Delivery.objects.filter(petition=petition))
    events = [Event(timezone.localdate(u.posted_at), "update", u) for u in petition_updates(petition)]
    events += [Event(d.delivered_on, "delivery", d) for d in deliveries]
    events += [Event(r.responded_on, "response", r) for r in responses]
    events.sort(key=lambda event: event.day, reverse=True)
    days_waiting = None
    if deliveries and not responses:
        days_waiting = (timezone.localdate() - min(d.delivered_on for d in deliveries)).days
    petition._delivery_story = DeliveryStory(responses=responses, timeline=events, days_waiting=days_waiting)
    return petition._delivery_story
