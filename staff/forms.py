"""Back-office sign-in, second-factor enrolment and own-password forms (P14)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import password_change
from staff.two_factor import (
    staff_two_factor_required,
    totp_device_confirmed,
    totp_token_verify,
)


def _code_field(*, required: bool, help_id: str = "") -> forms.CharField:
    attrs = {"autocomplete": "one-time-code", "inputmode": "numeric", "size": "8"}
    if help_id:
        attrs["aria-describedby"] = help_id
    return forms.CharField(
        label=_("Kodi i verifikimit"),
        required=required,
        max_length=12,
        strip=True,
        widget=forms.TextInput(attrs=attrs),
    )


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in, which with FEJZO_STAFF_2FA on also asks for the app's code.

    A staff member who has not enrolled yet signs in with the password alone; the
    session stays unverified, so the back office sends them to enrol a device.
    """

    otp_token = _code_field(required=False, help_id="otp-token-help")

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": _("Shkruani kodin gjashtëshifror nga aplikacioni i verifikimit."),
        "otp_invalid": _("Kodi i verifikimit nuk është i saktë ose ka skaduar."),
    }

    def clean(self) -> dict[str, Any]:
        """Check the password, then the app's code when the switch and a device ask for one."""
        cleaned_data = super().clean()
        user = self.user_cache
        if user is None or not staff_two_factor_required():
            return cleaned_data
        device = totp_device_confirmed(user=user)
        if device is None:
            return cleaned_data
        token = cleaned_data.get("otp_token") or ""
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        if not totp_token_verify(device=device, token=token):
            # Counted by axes like a wrong password, so codes cannot be guessed at leisure.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned_data.get("username")},
                request=self.request,
            )
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        # django-otp stores the verifying device in the session when login() runs.
        user.otp_device = device  # type: ignore[attr-defined]
        return cleaned_data


class TotpEnrolForm(forms.Form):
    """The code that proves the authenticator app holds the new secret."""

    token = _code_field(required=True)


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """A staff member's own new password, set by the service that mails its owner (P14).

    A stranger at an unlocked back-office screen who changes the password is seen at
    once by the account's owner, as a customer is.
    """

    def save(self, commit: bool = True) -> User:
        return password_change(user=self.user, password=self.cleaned_data["new_password1"])
