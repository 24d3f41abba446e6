from django.urls import path

from core.access_matrix import Outcome, audience, everyone
from mail import views

app_name = "mail"

# The developer's mailbox viewer: 404 for everyone unless the local settings turn it on
# (mail.views._require_viewer); it is never on in production or in the test suite.
DEV_ONLY = everyone(Outcome.NOT_FOUND)

urlpatterns = [
    audience(path("", views.mailbox_list, name="viewer"), DEV_ONLY),
    audience(path("<str:key>/", views.mailbox_detail, name="viewer_detail"), DEV_ONLY),
    audience(path("<str:key>/html/", views.mailbox_html, name="viewer_html"), DEV_ONLY),
]
