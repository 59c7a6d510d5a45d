"""Who is asking: the visitor's network address as the trusted proxies saw it, and the group it counts in.

Limits that count per visitor (the log-in throttle, the cache's budget of new entries) read it from here.
"""

import ipaddress

from django.conf import settings

# One subscriber usually holds a whole IPv6 /64: counted address by address, it could multiply any limit.
IPV6_GROUP_PREFIX = 64


def client_address(request):
    """The visitor's address: behind HUB_PROXY_COUNT trusted proxies, the one they saw in X-Forwarded-For
    (never an address the client wrote itself), else REMOTE_ADDR."""
    proxies = settings.HUB_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_group(request):
    """What a per-visitor limit counts: the address, or for IPv6 its /64 network. Whatever is not an address (no
    REMOTE_ADDR, a proxy passing on text) counts as one group: made-up text must not open new counts."""
    try:
        parsed = ipaddress.ip_address(client_address(request))
    except ValueError:
        return "?"
    if parsed.version == 6 and parsed.ipv4_mapped is not None:  # « ::ffff:192.0.2.1 » is that IPv4 address
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_GROUP_PREFIX}", strict=False))
    return str(parsed)
