"""`{{ signature.email|masked_email }}` on the organisers' signature list, and
`{% fraud_review_days %}` where organisers read fraud signals."""

from django import template
from django.conf import settings

from petitions import email_keys

register = template.Library()


@register.filter
def masked_email(email: str) -> str:
    return email_keys.masked_email(email or "")


@register.simple_tag
def fraud_review_days() -> int:
    return settings.PLEA_FRAUD_REVIEW_DAYS
