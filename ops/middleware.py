"""Every request gets an id, a log line and a count, none of which names the person (P6)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from core.clauses import enforces
from ops.logs import request_id_var, route_var
from ops.metrics import method_label, request_observe

logger = logging.getLogger("ops.requests")

# A request id set by our proxy is kept when it is a UUID; anything else a client sent
# (which could be anything, an address included) is replaced by one of ours.
REQUEST_ID = re.compile(r"[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")


def route_label(request: HttpRequest) -> str:
    """Return the name of the URL pattern that answered, never the path it was given."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name or match.route or "unnamed")
    if request.path_info.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


@enforces("P6", "request logs and metrics carry a route name and a request id, never a path")
class RequestObservabilityMiddleware:
    """Give each request an id (X-Request-ID), then log and count it by route name.

    First in MIDDLEWARE, so it sees every answer: the HTTPS redirect, WhiteNoise's static
    files, the lockout page. The line holds the id, the route's name, the method, the
    status and the time taken; no path, query string, client address or user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.headers.get("X-Request-ID", "")
        request_id = given.lower() if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        id_token = request_id_var.set(request_id)
        route_token = route_var.set("")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_label(request)
            method = method_label(request.method)
            route_var.set(route)
            request_observe(
                route=route, method=method, status=response.status_code, seconds=seconds
            )
            logger.info(
                "request",
                extra={
                    "method": method,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            route_var.reset(route_token)
            request_id_var.reset(id_token)
