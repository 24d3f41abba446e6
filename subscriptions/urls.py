from django.urls import path

from core.access_matrix import Outcome, audience, everyone
from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    # Without login (P13): the token is the key. The matrix's token is one no mail
    # carried; every visitor gets the same answer, so a token tells nobody anything.
    audience(path("email/abonohu/", views.subscribe, name="subscribe"), everyone(Outcome.REDIRECT)),
    audience(
        path("email/konfirmo/<str:token>/", views.confirm, name="confirm"),
        everyone(Outcome.BAD_REQUEST),
    ),
    audience(
        path("email/preferencat/<str:token>/", views.preferences, name="preferences"),
        everyone(Outcome.NOT_FOUND),
    ),
    # The RFC 8058 one-click address named in List-Unsubscribe.
    audience(
        path("email/cregjistrohu/<str:token>/", views.unsubscribe, name="unsubscribe"),
        everyone(Outcome.ALLOWED),
    ),
]
