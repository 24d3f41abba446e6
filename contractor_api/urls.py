from django.urls import path

from contractor_api.api import api

urlpatterns = [path("", api.urls)]
