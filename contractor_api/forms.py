"""The back office's forms for API keys: issue one, rotate one (P10)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contractor_api.models import ApiToken
from contractor_api.services import ROTATION_OVERLAP_MAX, ApiTokenError, api_token_issue_check


class ApiTokenIssueForm(forms.ModelForm):
    """A key for one company, scoped to functions its people hold; checked by the service."""

    class Meta:
        model = ApiToken
        fields = ["company", "name", "functions", "expires_at"]
        widgets = {"functions": forms.CheckboxSelectMultiple}
        help_texts = {
            "functions": _(
                "Vetëm funksionet që mban ndonjë person aktiv i kompanisë: një çelës nuk sheh "
                "më shumë se kompania."
            ),
            "expires_at": _("Bosh: pa afat. Një çelës ndërrohet ose revokohet kurdo."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        company = cleaned.get("company")
        if company is not None and not self.errors:
            try:
                api_token_issue_check(
                    company=company,
                    name=cleaned.get("name", ""),
                    functions=cleaned.get("functions") or [],
                    expires_at=cleaned.get("expires_at"),
                )
            except ApiTokenError as error:
                raise ValidationError(str(error)) from error
        return cleaned


class ApiTokenRotateForm(forms.Form):
    overlap_hours = forms.IntegerField(
        label=_("Sa orë vazhdon të punojë çelësi i vjetër"),
        min_value=0,
        max_value=int(ROTATION_OVERLAP_MAX.total_seconds() // 3600),
        initial=0,
        help_text=_(
            "0: ndalon menjëherë. Më shumë: koha që sistemi i kompanisë të ndërrojë çelësin."
        ),
    )
