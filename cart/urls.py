from django.urls import path

from cart import views
from core.access_matrix import PUBLIC, Outcome, audience, everyone

app_name = "cart"

urlpatterns = [
    # Anyone has a cart (a visitor's lives in the session); changes take a POST.
    audience(path("", views.detail, name="detail"), PUBLIC),
    audience(path("shto/", views.add, name="add"), everyone(Outcome.METHOD_NOT_ALLOWED)),
    audience(path("ndrysho/", views.update, name="update"), everyone(Outcome.METHOD_NOT_ALLOWED)),
    audience(path("hiq/", views.remove, name="remove"), everyone(Outcome.METHOD_NOT_ALLOWED)),
]
