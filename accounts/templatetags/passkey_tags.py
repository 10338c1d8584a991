"""What the passkey parts of the sign-in, verify and manage pages need to know."""

from django import template
from django.conf import settings

from accounts import passkeys, two_factor

register = template.Library()


@register.simple_tag(takes_context=True)
def passkey_state(context) -> dict:
    request = context["request"]
    user = request.user
    if not settings.PLEA_PASSKEYS:
        return {"enabled": False, "site": settings.SITE_URL}
    signed_in = user.is_authenticated
    return {
        "enabled": True,
        "passkeys": list(passkeys.passkeys_of(user)) if signed_in else [],
        # Adding one asks for a fresh second factor when the account has one.
        "may_add": signed_in and (not two_factor.has_second_factor(user) or two_factor.is_fresh(request)),
    }
