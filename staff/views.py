"""Back-office pages that are not ModelAdmins: enrolling the staff second factor (P14)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from accounts.models import User
from staff.forms import TotpEnrolForm
from staff.two_factor import (
    TotpAlreadyEnrolled,
    TotpTokenInvalid,
    staff_session_verified,
    totp_device_confirm,
    totp_device_confirmed,
    totp_provisioning_uri,
    totp_qr_svg,
    totp_secret_display,
    totp_secret_generate,
)

# The secret waits in the (server-side) session until a code confirms it.
ENROLMENT_SESSION_KEY = "staff_totp_enrolment"


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
def two_factor_enrol(request: HttpRequest, *, admin_site: AdminSite) -> HttpResponse:
    """Show the QR code and secret of a new authenticator, and save it once a code matches.

    Open to any signed-in staff member with no device yet. Once a device exists, only a
    session it verified may see this page: a password alone never adds a second device.
    """
    user = request.user
    login_url = reverse("admin:login", current_app=admin_site.name)
    if not (isinstance(user, User) and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), login_url)
    index_url = reverse("admin:index", current_app=admin_site.name)
    context = {
        **admin_site.each_context(request),
        "title": _("Verifikimi me dy hapa"),
        "next": _next_url(request, ""),
    }
    if totp_device_confirmed(user=user) is not None:
        if not staff_session_verified(request):
            return redirect_to_login(request.get_full_path(), login_url)
        return render(request, "staff/two_factor_active.html", {**context, "index_url": index_url})

    secret = request.session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(secret, str):
        secret = totp_secret_generate()
        request.session[ENROLMENT_SESSION_KEY] = secret
    form = TotpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(
                user=user, secret=secret, token=form.cleaned_data["token"], actor=user
            )
        except TotpTokenInvalid:
            form.add_error(
                "token", _("Kodi nuk përputhet. Shkruani kodin që tregon aplikacioni tani.")
            )
        except TotpAlreadyEnrolled:
            return redirect_to_login(request.get_full_path(), login_url)
        else:
            del request.session[ENROLMENT_SESSION_KEY]
            otp_login(request, device)
            messages.success(request, _("Verifikimi me dy hapa u aktivizua."))
            return HttpResponseRedirect(_next_url(request, index_url))
    uri = totp_provisioning_uri(user=user, secret=secret)
    return render(
        request,
        "staff/two_factor_enrol.html",
        {
            **context,
            "form": form,
            "qr_svg": totp_qr_svg(uri),
            "secret_display": totp_secret_display(secret),
        },
    )
