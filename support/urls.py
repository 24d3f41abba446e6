from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("e-re/", views.case_open, name="case_open"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/foto/<int:photo_id>/", views.case_photo_view, name="case_photo"),
]
