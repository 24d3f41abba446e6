"""Who may read the health details and the metrics (P6, P14): the monitor with the bearer
token, or a process on the app server itself. Anyone else learns only up or down."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from core.clauses import enforces

# A request that came through a proxy carries one of these; loopback is then the
# proxy's address, not the caller's.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _bearer_matches(request: HttpRequest) -> bool:
    token = settings.FEJZO_OPS_TOKEN
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _direct_loopback(request: HttpRequest) -> bool:
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@enforces("P14", "health details and metrics only for the monitor's token or loopback")
def ops_caller_trusted(request: HttpRequest) -> bool:
    """Return whether the caller may see the health details and the metrics."""
    return _bearer_matches(request) or _direct_loopback(request)
