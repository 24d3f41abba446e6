"""Addresses outside the language prefix: a crawler asks for these at the site's root."""

from django.urls import path

from catalog import views

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
