"""The visitors' contact form, at /kontakt/ (config.urls): its own namespace, declared a
private section (support.personal_data) so no shared cache keeps it."""

from django.urls import path

from core.access_matrix import PUBLIC, audience
from support import views

app_name = "contact"

urlpatterns = [
    audience(path("", views.contact, name="form"), PUBLIC),
]
