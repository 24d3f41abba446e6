"""/_health/ for load balancers and monitors, /_metrics/ for Prometheus (ops)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from ops.access import ops_caller_trusted
from ops.health import NamedResult, health_checks_all, health_checks_web, health_run
from ops.metrics import metrics_exposition

# Anyone may ask; only the monitor and the balancer make the checks run each time. Others
# get the status the last run found, kept this long, so asking costs the shop nothing:
# a check writes to every storage (a bucket's requests are billed) and reads the database.
PUBLIC_STATUS_SECONDS = 10


def _answer(
    request: HttpRequest, scope: str, checks: Callable[[], list[NamedResult]]
) -> JsonResponse:
    trusted = ops_caller_trusted(request)
    key = f"ops:health:{scope}"
    healthy = None if trusted else cache.get(key)
    results: list[NamedResult] = []
    if healthy is None:
        results = checks()
        healthy = all(result.ok for result in results)
        cache.set(key, healthy, PUBLIC_STATUS_SECONDS)
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable"}
    if trusted:
        body["checks"] = {
            result.name: {
                "ok": result.ok,
                "message": result.message,
                "ms": round(result.result.time_taken * 1000, 1),
            }
            for result in results
        }
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Every check: 200 when all pass, else 503. Details only for the monitor."""
    return _answer(request, "all", lambda: health_run(health_checks_all()))


@require_safe
def health_web(request: HttpRequest) -> JsonResponse:
    """Only what this app server needs to serve (database, storage): the load balancer's
    probe, which must not take every server out of rotation for a slow outbox."""
    return _answer(request, "web", lambda: health_run(health_checks_web()))


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition, for the monitor's token or loopback only."""
    if not ops_caller_trusted(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response
