"""Facts about the request that more than one app needs."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """Return the client's address, trusting X-Forwarded-For only as far as our proxies.

    Each trusted proxy appends the address it received the request from, so the client
    is the entry FEJZO_TRUSTED_PROXY_COUNT places from the right; anything further left
    is whatever the client chose to send, and would let it dodge the lockout.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.FEJZO_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate
