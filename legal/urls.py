from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path("privatesia/kerkesat-ligjore/", views.transparency, name="transparency"),
    path("kerkesat-ligjore/paketa/<str:token>/", views.package_download, name="package_download"),
]
