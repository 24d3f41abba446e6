from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("kerko/", views.results, name="results"),
    path("kerko/sugjerime/", views.suggestions, name="suggest"),
]
