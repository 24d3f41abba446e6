from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("cookies/", views.cookie_page, name="cookies"),
    path("cookies/zgjedhja/", views.decide, name="decide"),
]
