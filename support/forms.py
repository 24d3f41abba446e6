"""The customer's forms: open a case, answer in it (P9)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from support.models import SupportCase
from support.services import MESSAGE_MIN_LETTERS

MESSAGE_MAX = 5000
# The orders app sits above support: its model is reached through the case's link to it.
Order: Any = SupportCase._meta.get_field("order").related_model


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Mesazhi juaj"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=MESSAGE_MIN_LETTERS,
    )


class CaseOpenForm(MessageForm):
    summary = forms.CharField(
        label=_("Për çfarë bëhet fjalë?"),
        max_length=200,
        help_text=_("Me pak fjalë, p.sh. „Frigoriferi bën zhurmë”."),
    )
    order = forms.ModelChoiceField(
        label=_("Për një porosi (opsionale)"),
        queryset=Order._default_manager.none(),
        required=False,
        empty_label=_("Asnjë porosi e caktuar"),
    )

    field_order = ["summary", "order", "body"]

    def __init__(self, *args: Any, customer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the customer's own orders can be chosen.
        order_field = self.fields["order"]
        assert isinstance(order_field, forms.ModelChoiceField)
        own = Order._default_manager.filter(customer_id=customer.pk)
        order_field.queryset = own.order_by("-placed_at")
        order_field.label_from_instance = lambda obj: str(obj.number)  # type: ignore[method-assign,assignment]
