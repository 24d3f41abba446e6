from django.urls import path

from core.access_matrix import OWNER_ONLY, SIGNED_IN_OWN, audience
from support import views

app_name = "support"

urlpatterns = [
    audience(path("", views.case_list, name="case_list"), SIGNED_IN_OWN),
    audience(path("e-re/", views.case_open, name="case_open"), SIGNED_IN_OWN),
    # A case and its photos are its customer's (P9): anyone else gets a 404.
    audience(path("<int:case_id>/", views.case_detail, name="case_detail"), OWNER_ONLY),
    audience(
        path("<int:case_id>/foto/<int:photo_id>/", views.case_photo_view, name="case_photo"),
        OWNER_ONLY,
    ),
]
