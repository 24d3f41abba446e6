from django.urls import path

from cart import views

app_name = "cart"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("shto/", views.add, name="add"),
    path("ndrysho/", views.update, name="update"),
    path("hiq/", views.remove, name="remove"),
]
