"""The address a request came from, and the network it stands for, for rate
limits and the keyed IP hash."""

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


def client_network(request: HttpRequest) -> str | None:
    address = client_ip(request)
    return network_of(address) if address else None
