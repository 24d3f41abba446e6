from django.urls import path

from catalog import views
from core.access_matrix import PUBLIC, audience

app_name = "catalog"

urlpatterns = [
    # The shop window: open to everyone.
    audience(path("", views.home, name="home"), PUBLIC),
    audience(path("produkte/", views.product_list, name="list"), PUBLIC),
    audience(path("kategoria/<slug:slug>/", views.category_detail, name="category"), PUBLIC),
    audience(path("produkt/<slug:slug>/", views.product_page, name="product"), PUBLIC),
]
