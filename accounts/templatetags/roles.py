"""What the page may offer its viewer, by role (accounts.roles), without
another query: group names are read once per request."""

from django import template

from accounts import roles

register = template.Library()


@register.filter
def is_case_editor(user) -> bool:
    return roles.is_case_editor(user)
