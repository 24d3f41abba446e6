"""Addresses outside the language prefix: a crawler asks for these at the site's root."""

from django.urls import path

from catalog import views
from core.access_matrix import PUBLIC, audience

urlpatterns = [
    audience(path("robots.txt", views.robots_txt, name="robots_txt"), PUBLIC),
    audience(path("sitemap.xml", views.sitemap, name="sitemap"), PUBLIC),
]
