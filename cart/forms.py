from django import forms
from django.utils.translation import gettext_lazy as _

from cart.services import MAX_LINE_QUANTITY

# The largest primary key the databases store; beyond it SQLite refuses the query.
PRODUCT_ID_MAX = 2**63 - 1


class CartRemoveForm(forms.Form):
    product = forms.IntegerField(min_value=1, max_value=PRODUCT_ID_MAX, widget=forms.HiddenInput)


class CartLineForm(CartRemoveForm):
    quantity = forms.IntegerField(
        label=_("Sasia"),
        min_value=1,
        max_value=MAX_LINE_QUANTITY,
        error_messages={
            "min_value": _("Sasia duhet të jetë të paktën 1."),
            "max_value": _("Sasia maksimale është %(limit_value)s."),
            "invalid": _("Shkruani një numër të plotë."),
            "required": _("Shkruani sasinë."),
        },
    )


class CartUpdateForm(CartLineForm):
    """The cart page's quantity box: 0 takes the line out of the cart."""

    quantity = forms.IntegerField(
        label=_("Sasia"),
        min_value=0,
        max_value=MAX_LINE_QUANTITY,
        error_messages={
            "min_value": _("Sasia nuk mund të jetë më pak se 0."),
            "max_value": _("Sasia maksimale është %(limit_value)s."),
            "invalid": _("Shkruani një numër të plotë."),
            "required": _("Shkruani sasinë."),
        },
    )
