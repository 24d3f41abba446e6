from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("produkte/", views.product_list, name="list"),
    path("kategoria/<slug:slug>/", views.category_detail, name="category"),
    path("produkt/<slug:slug>/", views.product_page, name="product"),
]
