"""The officer's forms for a breach (P14): categories and fields offered from the registry
only, moments typed as the browser's date-and-time picker sends them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from breaches.models import Breach, BreachStatus
from breaches.selectors import BreachInputError, registry_fields
from breaches.services import BreachDetails, breach_details_check, breach_idp_check
from privacy.registry import Category

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def _moment(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT),
    )


def _field_choices() -> list[tuple[str, str]]:
    return [(field.name, f"{field.label} ({field.name})") for field in registry_fields()]


class RegistryFieldsField(forms.MultipleChoiceField):
    """A choice of the registry's fields about customers; nothing else can be typed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=_field_choices, widget=forms.SelectMultiple(attrs={"size": 8}), **kwargs
        )


class BreachForm(forms.ModelForm):  # type: ignore[type-arg]
    discovered_at = _moment(_("Zbuluar më"), required=True)
    occurred_from = _moment(_("Ndodhi nga"))
    occurred_to = _moment(_("Ndodhi deri më"))
    categories = forms.MultipleChoiceField(
        label=_("Kategoritë e prekura"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        # The service says what is missing, in the officer's words.
        required=False,
    )
    field_names = RegistryFieldsField(label=_("Fushat e prekura"), required=False)
    idp_notified_at = _moment(_("IDP u njoftua më"))

    class Meta:
        model = Breach
        fields = [
            "incident",
            "discovered_at",
            "occurred_from",
            "occurred_to",
            "categories",
            "field_names",
            "status",
            "idp_notified_at",
            "idp_reference",
            "notice_text_sq",
            "notice_text_en",
            "lessons_learned",
        ]

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        now = self.now or timezone.now()
        try:
            breach_details_check(
                BreachDetails(
                    incident=data.get("incident", ""),
                    discovered_at=data["discovered_at"],
                    categories=data.get("categories", []),
                    occurred_from=data.get("occurred_from"),
                    occurred_to=data.get("occurred_to"),
                    field_names=data.get("field_names", []),
                ),
                now=now,
            )
            if data.get("idp_notified_at") is not None or data.get("idp_reference"):
                breach_idp_check(
                    discovered_at=data["discovered_at"],
                    at=data.get("idp_notified_at"),
                    reference=data.get("idp_reference", ""),
                    now=now,
                )
        except BreachInputError as error:
            raise forms.ValidationError(error.messages) from error
        if (
            data.get("status") == BreachStatus.CLOSED
            and not (data.get("lessons_learned") or "").strip()
        ):
            raise forms.ValidationError(_("Shkruani mësimet e nxjerra para se ta mbyllni cenimin."))
        return data


class AddBreachForm(BreachForm):
    class Meta(BreachForm.Meta):
        fields = [
            "incident",
            "discovered_at",
            "occurred_from",
            "occurred_to",
            "categories",
            "field_names",
        ]


class RevealedPeopleForm(forms.Form):
    """Everyone whose fields one account saw in a period, from the access record."""

    staff_account = forms.IntegerField(label=_("Numri i llogarisë së stafit"), min_value=1)
    field_names = RegistryFieldsField(label=_("Fushat"))
    start = _moment(_("Nga"), required=True)
    end = _moment(_("Deri"), required=True)


class ValuePeopleForm(forms.Form):
    """Everyone with a value in these fields: the people of a leaked table."""

    field_names = RegistryFieldsField(label=_("Fushat"))


class PersonForm(forms.Form):
    account = forms.IntegerField(label=_("Numri i llogarisë"), min_value=1)
