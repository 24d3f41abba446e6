from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("privatesia/", views.privacy, name="privacy"),
    path("kushtet/", views.terms, name="terms"),
    path("privatesia/versionet/", views.archive, name="archive"),
    path("privatesia/versionet/krahaso/", views.compare, name="compare"),
    path("privatesia/versionet/<slug:document>/<int:number>/", views.version, name="version"),
    path("privatesia/njoftimi/", views.notice_dismiss, name="notice_dismiss"),
]
