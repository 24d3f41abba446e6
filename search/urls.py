from django.urls import path

from core.access_matrix import PUBLIC, audience
from search import views

app_name = "search"

urlpatterns = [
    audience(path("kerko/", views.results, name="results"), PUBLIC),
    audience(path("kerko/sugjerime/", views.suggestions, name="suggest"), PUBLIC),
]
