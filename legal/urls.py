from django.urls import path

from core.access_matrix import PUBLIC, Outcome, audience, everyone
from legal import views

app_name = "legal"

urlpatterns = [
    audience(path("privatesia/kerkesat-ligjore/", views.transparency, name="transparency"), PUBLIC),
    # The authority's package opens with its token alone; a token no package has is 404.
    audience(
        path(
            "kerkesat-ligjore/paketa/<str:token>/", views.package_download, name="package_download"
        ),
        everyone(Outcome.NOT_FOUND),
    ),
]
