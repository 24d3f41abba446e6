from django.urls import path

from contractors import views

app_name = "contractors"

urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("hyr/", views.sign_in, name="sign_in"),
    path("kodi/", views.code, name="code"),
    path("kodi/aktivizo/", views.enrol, name="enrol"),
    path("dil/", views.sign_out, name="sign_out"),
    path("pune/<int:job_id>/", views.job, name="job"),
    path("pune/<int:job_id>/kryer/", views.job_done, name="job_done"),
    path("pune/<int:job_id>/nuk-u-krye/", views.job_failed, name="job_failed"),
]
