from django.urls import path

from consent import views
from core.access_matrix import PUBLIC, Outcome, audience, everyone

app_name = "consent"

urlpatterns = [
    audience(path("cookies/", views.cookie_page, name="cookies"), PUBLIC),
    audience(
        path("cookies/zgjedhja/", views.decide, name="decide"), everyone(Outcome.METHOD_NOT_ALLOWED)
    ),
]
