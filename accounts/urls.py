from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("regjistrohu/", views.register, name="register"),
    path("regjistrohu/u-dergua/", views.register_done, name="register_done"),
    path("hyr/", views.LoginView.as_view(), name="login"),
    path("dil/", auth_views.LogoutView.as_view(), name="logout"),
    path("verifiko/<str:uidb64>/<str:token>/", views.verify_email, name="verify_email"),
    path("verifiko/dergo-perseri/", views.resend_verification, name="resend_verification"),
    path("", views.profile, name="profile"),
    path("email/ndrysho/", views.change_email, name="email_change"),
    path("email/konfirmo/<str:token>/", views.confirm_email_change, name="email_change_confirm"),
    path("adresat/", views.addresses, name="addresses"),
    path("adresat/shto/", views.address_edit, name="address_add"),
    path("adresat/<int:address_id>/ndrysho/", views.address_edit, name="address_edit"),
    path("adresat/<int:address_id>/fshi/", views.address_remove, name="address_delete"),
    path("fjalekalimi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "fjalekalimi/u-dergua/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "fjalekalimi/<str:uidb64>/<str:token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "fjalekalimi/u-ndryshua/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
