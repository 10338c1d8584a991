"""The address a request came from, for rate limits and the keyed IP hash."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or, behind PLEA_TRUSTED_PROXIES reverse proxies, the address
    the outermost trusted proxy saw. Entries further left in X-Forwarded-For
    are written by the client and prove nothing."""
    proxies = settings.PLEA_TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "")[:64] or None
