from django.urls import path

from core.access_matrix import OWNER_ONLY, SIGNED_IN_OWN, Audience, Outcome, audience
from orders import views

app_name = "orders"

urlpatterns = [
    audience(path("", views.order_list, name="list"), SIGNED_IN_OWN),
    # Checkout needs an account (P3); with an empty cart it sends the customer back.
    audience(
        path("arka/", views.checkout, name="checkout"),
        Audience(
            anonymous=Outcome.SIGN_IN,
            owner=Outcome.REDIRECT,
            other_customer=Outcome.REDIRECT,
            contractor=Outcome.REDIRECT,
            staff=Outcome.REDIRECT,
        ),
    ),
    # An order is its customer's: anyone else gets the 404 of an order that does not exist.
    audience(path("<str:token>/", views.order_detail, name="detail"), OWNER_ONLY),
    audience(path("<str:token>/u-vendos/", views.placed, name="placed"), OWNER_ONLY),
    audience(path("<str:token>/anulo/", views.order_cancel, name="cancel"), OWNER_ONLY),
]
