"""`{{ signature.email|masked_email }}` on the organisers' signature list."""

from django import template

from petitions import email_keys

register = template.Library()


@register.filter
def masked_email(email: str) -> str:
    return email_keys.masked_email(email or "")
