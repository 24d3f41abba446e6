from django.urls import path

from core.access_matrix import SIGNED_IN_OWN, Audience, Outcome, audience, everyone
from rights import views
from rights.views import erasure, exports

app_name = "rights"

# The rights forms refuse a visitor who is not signed in with a 403 page that says how
# to sign in (rights.views), rather than sending them to the sign-in.
SIGNED_IN_FORM = Audience(
    anonymous=Outcome.FORBIDDEN,
    owner=Outcome.ALLOWED,
    other_customer=Outcome.ALLOWED,
    contractor=Outcome.ALLOWED,
    staff=Outcome.ALLOWED,
)

urlpatterns = [
    audience(path("llogaria/qasjet/", views.access_log, name="access_log"), SIGNED_IN_OWN),
    audience(
        path("llogaria/fshirja/", erasure.erasure_request, name="erasure_request"), SIGNED_IN_FORM
    ),
    # A token no mail carried: the same 404 page as an expired one.
    audience(
        path(
            "llogaria/fshirja/konfirmo/<str:token>/",
            erasure.erasure_confirm,
            name="erasure_confirm",
        ),
        everyone(Outcome.NOT_FOUND),
    ),
    audience(
        path("llogaria/te-dhenat/shkarko/", exports.export_request, name="export_request"),
        SIGNED_IN_FORM,
    ),
    # A download opens only for the customer it is about: the same 404 for anyone else.
    audience(
        path(
            "llogaria/te-dhenat/shkarko/<str:token>/",
            exports.export_download,
            name="export_download",
        ),
        Audience(
            anonymous=Outcome.FORBIDDEN,
            owner=Outcome.NOT_FOUND,
            other_customer=Outcome.NOT_FOUND,
            contractor=Outcome.NOT_FOUND,
            staff=Outcome.NOT_FOUND,
        ),
    ),
]
