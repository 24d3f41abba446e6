from django.urls import path

from mail import views

app_name = "mail"

urlpatterns = [
    path("", views.mailbox_list, name="viewer"),
    path("<str:key>/", views.mailbox_detail, name="viewer_detail"),
    path("<str:key>/html/", views.mailbox_html, name="viewer_html"),
]
