from django.urls import path

from core.access_matrix import Outcome, audience, everyone
from ops import views

app_name = "ops"

urlpatterns = [
    # Up or down to anyone (the details only for the monitor): 200 or 503 by the state.
    audience(path("_health/", views.health, name="health"), everyone(Outcome.PROBE)),
    audience(path("_health/web/", views.health_web, name="health_web"), everyone(Outcome.PROBE)),
    # Only the monitor's bearer token, or a request straight to the app server on
    # loopback; every visitor of the shop comes through the proxy, or from elsewhere.
    audience(path("_metrics/", views.metrics, name="metrics"), everyone(Outcome.UNAUTHORISED)),
]
