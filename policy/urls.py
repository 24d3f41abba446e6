from django.urls import path

from core.access_matrix import PUBLIC, Outcome, audience, everyone
from policy import views

app_name = "policy"

urlpatterns = [
    # The policy and its archive are everyone's to read (P1, P2).
    audience(path("privatesia/", views.privacy, name="privacy"), PUBLIC),
    audience(path("kushtet/", views.terms, name="terms"), PUBLIC),
    audience(path("privatesia/versionet/", views.archive, name="archive"), PUBLIC),
    audience(path("privatesia/versionet/krahaso/", views.compare, name="compare"), PUBLIC),
    audience(
        path("privatesia/versionet/<slug:document>/<int:number>/", views.version, name="version"),
        PUBLIC,
    ),
    audience(
        path("privatesia/njoftimi/", views.notice_dismiss, name="notice_dismiss"),
        everyone(Outcome.METHOD_NOT_ALLOWED),
    ),
]
