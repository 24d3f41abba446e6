from django.urls import path

from rights import views
from rights.views import erasure, exports

app_name = "rights"

urlpatterns = [
    path("llogaria/qasjet/", views.access_log, name="access_log"),
    path("llogaria/fshirja/", erasure.erasure_request, name="erasure_request"),
    path("llogaria/fshirja/konfirmo/<str:token>/", erasure.erasure_confirm, name="erasure_confirm"),
    path("llogaria/te-dhenat/shkarko/", exports.export_request, name="export_request"),
    path(
        "llogaria/te-dhenat/shkarko/<str:token>/",
        exports.export_download,
        name="export_download",
    ),
]
