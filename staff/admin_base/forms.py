"""The typed reasons that open a customer's data: break-glass, and a purpose one made oneself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import ReasonField
from privacy.models import AccessBasis
from staff.access import REASON_MIN_LETTERS, AccessDecision


class BreakGlassForm(forms.Form):
    reason = ReasonField(
        label=_("Arsyeja"),
        min_letters=REASON_MIN_LETTERS,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pse ju duhen të dhënat e plota të këtij klienti tani, pa porosi ose rast në "
            "ngarkim? Arsyeja regjistrohet dhe i dërgohet zyrtarit të mbrojtjes së të dhënave."
        ),
    )

    def __init__(self, *args: Any, decision: AccessDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class OwnPurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Qëllimi"))
    reason = ReasonField(
        label=_("Arsyeja"),
        min_letters=REASON_MIN_LETTERS,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Këtë porosi ose rast e keni hapur ose marrë në ngarkim vetë. Shkruani pse ju "
            "duhen të dhënat e klientit: arsyeja regjistrohet, klienti e sheh te llogaria e "
            "vet dhe zyrtari i mbrojtjes së të dhënave e merr në përmbledhjen e përditshme."
        ),
    )

    def __init__(self, *args: Any, decision: AccessDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            AccessBasis.ORDER: _("Porosia %(reference)s"),
            AccessBasis.SUPPORT_CASE: _("Rasti i mbështetjes %(reference)s"),
        }
        self.fields["purpose"].choices = [  # type: ignore[attr-defined]
            (
                f"{purpose.basis.value}:{purpose.reference}",
                labels.get(purpose.basis, "%(reference)s") % {"reference": purpose.reference},
            )
            for purpose in decision.own_purposes
        ]

    def chosen(self) -> tuple[AccessBasis, str]:
        basis, _sep, reference = self.cleaned_data["purpose"].partition(":")
        return AccessBasis(basis), reference
