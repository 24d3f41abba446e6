from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("arka/", views.checkout, name="checkout"),
    path("<str:token>/", views.order_detail, name="detail"),
    path("<str:token>/u-vendos/", views.placed, name="placed"),
    path("<str:token>/anulo/", views.order_cancel, name="cancel"),
]
