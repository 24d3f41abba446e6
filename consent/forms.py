from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import DecisionAction


class Choice:
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    SAVE = "save"


class ConsentForm(forms.Form):
    """The banner and the cookie page's choice. Nothing is ticked unless already chosen."""

    choice = forms.ChoiceField(
        choices=[(Choice.ACCEPT_ALL, ""), (Choice.REJECT_ALL, ""), (Choice.SAVE, "")]
    )
    analytics = forms.BooleanField(
        required=False,
        label=_("Analitike"),
        help_text=_("Statistika pa emra, për ta bërë faqen më të mirë."),
    )
    personalisation = forms.BooleanField(
        required=False,
        label=_("Personalizim"),
        help_text=_('"Të parat së fundmi" dhe sugjerime nga produktet që keni parë.'),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self) -> str:
        # A return address too long to be one of ours is dropped, not the choice.
        value: str = self.cleaned_data["next"]
        return value if len(value) <= 2000 else ""

    def decision(self) -> tuple[DecisionAction, bool, bool]:
        """Return the action and the two choices the pressed button means."""
        choice = self.cleaned_data["choice"]
        if choice == Choice.ACCEPT_ALL:
            return DecisionAction.ACCEPT_ALL, True, True
        if choice == Choice.REJECT_ALL:
            return DecisionAction.REJECT_ALL, False, False
        return (
            DecisionAction.CHOOSE,
            self.cleaned_data["analytics"],
            self.cleaned_data["personalisation"],
        )
