from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from core.access_matrix import (
    OWNER_ONLY,
    PUBLIC,
    SIGNED_IN_OWN,
    Audience,
    Outcome,
    audience,
    everyone,
)

app_name = "accounts"

# For anonymous visitors only: a signed-in person is sent on to their account.
SIGNED_OUT_ONLY = Audience(
    anonymous=Outcome.ALLOWED,
    owner=Outcome.REDIRECT,
    other_customer=Outcome.REDIRECT,
    contractor=Outcome.REDIRECT,
    staff=Outcome.REDIRECT,
)
# Who may reach each address: core.access_matrix, checked by the authorisation matrix.

urlpatterns = [
    audience(path("regjistrohu/", views.register, name="register"), SIGNED_OUT_ONLY),
    audience(path("regjistrohu/u-dergua/", views.register_done, name="register_done"), PUBLIC),
    audience(path("hyr/", views.LoginView.as_view(), name="login"), SIGNED_OUT_ONLY),
    audience(
        path("dil/", auth_views.LogoutView.as_view(), name="logout"),
        everyone(Outcome.METHOD_NOT_ALLOWED),
    ),
    # The matrix's link names A with a token no mail carried: refused, unless A is
    # signed in, who is sent on to the account.
    audience(
        path("verifiko/<str:uidb64>/<str:token>/", views.verify_email, name="verify_email"),
        Audience(
            anonymous=Outcome.BAD_REQUEST,
            owner=Outcome.REDIRECT,
            other_customer=Outcome.BAD_REQUEST,
            contractor=Outcome.BAD_REQUEST,
            staff=Outcome.BAD_REQUEST,
        ),
    ),
    audience(
        path("verifiko/dergo-perseri/", views.resend_verification, name="resend_verification"),
        Audience(
            anonymous=Outcome.SIGN_IN,
            owner=Outcome.METHOD_NOT_ALLOWED,
            other_customer=Outcome.METHOD_NOT_ALLOWED,
            contractor=Outcome.METHOD_NOT_ALLOWED,
            staff=Outcome.METHOD_NOT_ALLOWED,
        ),
    ),
    audience(path("", views.profile, name="profile"), SIGNED_IN_OWN),
    audience(path("email/ndrysho/", views.change_email, name="email_change"), SIGNED_IN_OWN),
    audience(
        path(
            "email/konfirmo/<str:token>/", views.confirm_email_change, name="email_change_confirm"
        ),
        everyone(Outcome.BAD_REQUEST),  # a token no mail carried
    ),
    audience(path("adresat/", views.addresses, name="addresses"), SIGNED_IN_OWN),
    audience(path("adresat/shto/", views.address_edit, name="address_add"), SIGNED_IN_OWN),
    audience(
        path("adresat/<int:address_id>/ndrysho/", views.address_edit, name="address_edit"),
        OWNER_ONLY,
    ),
    audience(
        path("adresat/<int:address_id>/fshi/", views.address_remove, name="address_delete"),
        OWNER_ONLY,
    ),
    audience(
        path("fjalekalimi/", views.PasswordResetView.as_view(), name="password_reset"), PUBLIC
    ),
    audience(
        path(
            "fjalekalimi/u-dergua/",
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            ),
            name="password_reset_done",
        ),
        PUBLIC,
    ),
    # A link that does not hold says so on the page (200), as Django's does.
    audience(
        path(
            "fjalekalimi/<str:uidb64>/<str:token>/",
            views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        PUBLIC,
    ),
    audience(
        path(
            "fjalekalimi/u-ndryshua/",
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            ),
            name="password_reset_complete",
        ),
        PUBLIC,
    ),
]
