"""The keyed hash that stands in for an IP address wherever one is kept or
counted (signatures, rate limits, fraud signals, the sign-in throttle):
comparable, never reversible without PLEA_IP_HASH_KEY.

It hashes the client's network (core.client_ip.network_of: an IPv4 address
or an IPv6 /64), so every per-address limit in the project holds against
someone who rotates through the addresses of their own IPv6 network."""

import hashlib
import hmac

from django.conf import settings

from core.client_ip import network_of


def ip_hash(ip_address: str | None) -> str:
    if not ip_address:
        return ""
    key = settings.PLEA_IP_HASH_KEY.encode()
    return hmac.new(key, network_of(ip_address).encode(), hashlib.sha256).hexdigest()
