from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PhoneField, municipality_field, street_field
from accounts.models import Address
from core.phone import validate_delivery_phone
from orders.models import PaymentMethod

NEW_ADDRESS = "new"


class DeliveryPhoneField(PhoneField):
    """The number the courier calls: any common way of typing it, but Albanian (+355)."""

    def clean(self, value: Any) -> str:
        e164 = super().clean(value)
        if e164:
            validate_delivery_phone(e164)
        return e164


class CheckoutForm(forms.Form):
    """Delivery and payment; the address is one of the customer's own or a new one."""

    address = forms.ChoiceField(label=_("Adresa e dorëzimit"), widget=forms.RadioSelect)
    municipality = municipality_field(required=False)
    street = street_field(required=False)
    save_address = forms.BooleanField(
        label=_("Ruaje këtë adresë në llogarinë time"), required=False, initial=True
    )
    phone = DeliveryPhoneField(
        label=_("Telefoni për korrierin"),
        help_text=_(
            "Korrieri ju telefonon para dorëzimit, prandaj duhet një numër shqiptar (+355)."
        ),
    )
    notes = forms.CharField(
        label=_("Shënime për dorëzimin (opsionale)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payment_method = forms.ChoiceField(
        label=_("Mënyra e pagesës"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        initial=PaymentMethod.CASH_ON_DELIVERY,
    )

    def __init__(self, *args: Any, addresses: list[Address], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = {str(address.pk): address for address in addresses}
        cast(forms.ChoiceField, self.fields["address"]).choices = [
            *((key, address.one_line) for key, address in self.addresses.items()),
            (NEW_ADDRESS, _("Adresë e re")),
        ]
        default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
        self.fields["address"].initial = str(default.pk) if default else NEW_ADDRESS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("address") == NEW_ADDRESS:
            if not cleaned.get("municipality"):
                self.add_error("municipality", _("Zgjidhni bashkinë."))
            if not (cleaned.get("street") or "").strip():
                self.add_error("street", _("Shkruani rrugën dhe numrin."))
        return cleaned

    def chosen_address(self) -> Address | None:
        return self.addresses.get(self.cleaned_data["address"])
