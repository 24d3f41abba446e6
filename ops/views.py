"""/_health/ for load balancers and monitors, /_metrics/ for Prometheus (ops)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from ops.access import ops_caller_trusted
from ops.health import NamedResult, health_checks_all, health_checks_web, health_run
from ops.metrics import metrics_exposition


def _answer(request: HttpRequest, results: list[NamedResult]) -> JsonResponse:
    healthy = all(result.ok for result in results)
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable"}
    if ops_caller_trusted(request):
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
    return _answer(request, health_run(health_checks_all()))


@require_safe
def health_web(request: HttpRequest) -> JsonResponse:
    """Only what this app server needs to serve (database, storage): the load balancer's
    probe, which must not take every server out of rotation for a slow outbox."""
    return _answer(request, health_run(health_checks_web()))


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
