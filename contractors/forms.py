"""The portal's forms: sign-in, the code, and a job that could not be done."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    username = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Fjalëkalimi"), widget=forms.PasswordInput, max_length=128)


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Kodi nga aplikacioni"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"[0-9 ]*"}
        ),
    )


class FailureForm(forms.Form):
    reason = forms.CharField(
        label=_("Pse nuk u dorëzua?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
