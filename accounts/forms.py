from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.extensions import registration_fields
from accounts.models import Address, Language, User
from accounts.municipalities import Municipality
from accounts.services import password_change
from core.email import normalise_email
from core.phone import display_phone, normalise_phone
from mail.models import MailKind
from mail.services import mail_enqueue


class PhoneField(forms.CharField):
    """A phone number typed any common Albanian way, cleaned to E.164."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault("label", _("Numri i telefonit"))
        kwargs.setdefault("help_text", _("Shembull: 069 123 4567 ose +355 69 123 4567"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value and not self.required:
            return ""
        return normalise_phone(value)


class RegistrationForm(forms.Form):
    first_name = forms.CharField(
        label=_("Emri"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Mbiemri"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = PhoneField()
    password1 = forms.CharField(
        label=_("Fjalëkalimi"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Të paktën 10 karaktere; jo vetëm numra dhe jo një fjalëkalim i zakonshëm."),
    )
    password2 = forms.CharField(
        label=_("Përsëritni fjalëkalimin"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(
        label=_("Pranoj Kushtet e Shërbimit dhe Politikat e Privatësisë"),
        error_messages={
            "required": _("Për t'u regjistruar duhet të pranoni Kushtet dhe Politikat.")
        },
    )
    terms_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    privacy_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # After accounts' own: the fields apps above it add (the marketing topics, P8).
        self.added_fields = registration_fields()
        for added in self.added_fields:
            self.fields[added.name] = added.make()

    def added_answers(self) -> dict[str, Any]:
        """Return the cleaned values of the fields other apps added, by name."""
        return {added.name: self.cleaned_data.get(added.name) for added in self.added_fields}

    def clean_email(self) -> str:
        # Whether the address has an account is not the form's to say (P14): the
        # registration service answers alike either way.
        return normalise_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Fjalëkalimet nuk përputhen."))
        elif password1:
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("Email-i ose fjalëkalimi nuk është i saktë."),
        "inactive": _("Kjo llogari nuk është aktive."),
    }


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Emri"), max_length=80)
    last_name = forms.CharField(label=_("Mbiemri"), max_length=80)
    phone = PhoneField()
    language = forms.ChoiceField(label=_("Gjuha e email-eve"), choices=Language.choices)

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> ProfileForm:
        return cls(
            data=data,
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": display_phone(user.phone),
                "language": user.language,
            },
        )


class PasswordRecheckForm(forms.Form):
    """The signed-in person's password again, before a step that matters (P12).

    Checked through `authenticate()`, so django-axes counts the failures and locks the
    account out of this check as it would out of sign-in: a hijacked session cannot
    guess the password here.
    """

    password = forms.CharField(
        label=_("Fjalëkalimi juaj"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Për siguri: fjalëkalimi me të cilin hyni tani."),
    )

    # What a wrong password is told: that it was wrong, and that nothing was done.
    refused = _("Fjalëkalimi nuk është i saktë.")

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        checked = authenticate(self.request, username=self.user.email, password=password)
        if checked is None or checked.pk != self.user.pk:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(
                    _("Shumë përpjekje të gabuara. Provoni sërish pas pak minutash."),
                    code="locked_out",
                )
            raise ValidationError(self.refused, code="password")
        return password


class EmailChangeForm(PasswordRecheckForm):
    field_order = ["new_email", "password"]
    refused = _("Fjalëkalimi nuk është i saktë. Email-i nuk ndryshoi dhe nuk u dërgua asgjë.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Fjalëkalimi aktual")

    new_email = forms.EmailField(
        label=_("Email-i i ri"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Do t'i dërgojmë një lidhje; email-i ndryshon vetëm pasi ta konfirmoni."),
    )

    def clean_new_email(self) -> str:
        return normalise_email(self.cleaned_data["new_email"])


def municipality_field(*, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Qyteti / bashkia"),
        required=required,
        choices=[("", _("Zgjidhni bashkinë")), *Municipality.choices],
    )


def street_field(*, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Rruga dhe numri"),
        max_length=200,
        required=required,
        # "street-address" is for a multi-line box; a one-line street is "address-line1".
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        help_text=_("Shembull: Rr. Myslym Shyri, Pallati 12, Hyrja 2, Ap. 8"),
    )


class AddressForm(forms.Form):
    municipality = municipality_field()
    street = street_field()
    courier_notes = forms.CharField(
        label=_("Shënime për korrierin (opsionale)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    make_default = forms.BooleanField(label=_("Bëje adresën kryesore"), required=False)

    @classmethod
    def for_address(cls, address: Address | None, data: Any = None) -> AddressForm:
        initial = {}
        if address is not None:
            initial = {
                "municipality": address.municipality,
                "street": address.street,
                "courier_notes": address.courier_notes,
                "make_default": address.is_default,
            }
        return cls(data=data, initial=initial)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail goes through the durable outbox in the user's language."""

    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email: str) -> Iterator[User]:  # type: ignore[override]
        """Return the active account with this address, found through its blind index."""
        for user in User.objects.with_email(email).filter(is_active=True):
            if user.has_usable_password():
                yield user

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        language = user.language or get_language() or "sq"
        with translation.override(language):
            path = reverse(
                "accounts:password_reset_confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            )
        mail_enqueue(
            kind=MailKind.PASSWORD_RESET,
            to_address=to_email,
            language=language,
            recipient=user,
            context={"first_name": user.first_name, "reset_url": f"{settings.SITE_URL}{path}"},
        )


class OutboxSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's form for the new password a reset link opens; the service sets it.

    Through `password_change`, so the account's address is mailed that it changed.
    """

    def save(self, commit: bool = True) -> User:
        return password_change(user=self.user, password=self.cleaned_data["new_password1"])
