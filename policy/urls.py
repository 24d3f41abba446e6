from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("privatesia/", views.privacy, name="privacy"),
    path("kushtet/", views.terms, name="terms"),
]
