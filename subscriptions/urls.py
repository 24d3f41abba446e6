from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("email/abonohu/", views.subscribe, name="subscribe"),
    path("email/konfirmo/<str:token>/", views.confirm, name="confirm"),
    path("email/preferencat/<str:token>/", views.preferences, name="preferences"),
    # The RFC 8058 one-click address named in List-Unsubscribe.
    path("email/cregjistrohu/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
