"""The keyed hash that stands in for an IP address wherever one is kept or
counted (signatures, the sign-in throttle): comparable, never reversible
without PLEA_IP_HASH_KEY."""

import hashlib
import hmac

from django.conf import settings


def ip_hash(ip_address: str | None) -> str:
    if not ip_address:
        return ""
    key = settings.PLEA_IP_HASH_KEY.encode()
    return hmac.new(key, ip_address.encode(), hashlib.sha256).hexdigest()
