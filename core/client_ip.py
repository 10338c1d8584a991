"""The address a request came from, the network it stands for, and the
keyed hash that stands in for it wherever one is kept or counted (stored
signatures and submissions, every rate limit, fraud signals, the sign-in
throttle): comparable, never reversible without PLEA_IP_HASH_KEY.

The hash is of the network, not the address, so every limit holds against
someone who rotates through the addresses of their own IPv6 network."""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An IPv6 subscriber is handed at least a /64 and picks addresses in it at
# will: per-address limits would mean nothing there.
IPV6_NETWORK_PREFIX = 64


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


def network_of(address: str) -> str:
    """The unit every per-address limit counts: an IPv4 address, or the /64
    an IPv6 address belongs to (an IPv4-mapped IPv6 address is its IPv4
    address). Anything unparsable is counted as written."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_NETWORK_PREFIX}", strict=False))
    return str(ip)


def ip_hash(address: str | None) -> str:
    """The keyed hash of the network `address` belongs to; "" for no address."""
    if not address:
        return ""
    key = settings.PLEA_IP_HASH_KEY.encode()
    return hmac.new(key, network_of(address).encode(), hashlib.sha256).hexdigest()


def client_ip_hash(request: HttpRequest) -> str:
    """The keyed hash of the network this request came from."""
    return ip_hash(client_ip(request))
