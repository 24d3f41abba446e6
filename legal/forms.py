"""The legal register's forms: they read what the officer typed; the services decide (P11)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import ReasonField
from legal.models import AuthorityKind, LegalRequest, NoticeWithheld, RequestOutcome
from legal.package import disclosable_categories
from legal.services import DocumentUpload
from privacy.registry import Category

_NUMBERS = re.compile(r"[\s,;]+")


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Shkruani datën."),
            "invalid": _("Shkruani një datë të vlefshme."),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class LegalRequestRegisterForm(forms.Form):
    authority_kind = forms.ChoiceField(
        label=_("Lloji i kërkuesit"),
        choices=AuthorityKind.choices,
        error_messages={"required": _("Zgjidhni kush e bën kërkesën.")},
    )
    requester = forms.CharField(
        label=_("Kërkuesi"),
        max_length=200,
        help_text=_("Institucioni dhe zyra, p.sh. „Drejtoria Vendore e Policisë Tiranë”."),
        error_messages={"required": _("Shkruani kush e bën kërkesën.")},
    )
    legal_basis = forms.CharField(
        label=_("Baza ligjore"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Shkruani bazën ligjore të kërkesës.")},
    )
    reference = forms.CharField(
        label=_("Referenca e kërkuesit"),
        max_length=100,
        error_messages={"required": _("Shkruani numrin e protokollit ose referencën.")},
    )
    received_on = _date_field(_("Marrë më"))
    deadline = _date_field(_("Afati"))
    accounts = forms.CharField(
        label=_("Numrat e llogarive"),
        help_text=_("Llogaritë e klientëve për të cilët pyet kërkesa, të ndara me presje."),
        error_messages={"required": _("Shkruani të paktën një numër llogarie.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Kategoritë e kërkuara"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Zgjidhni të paktën një kategori të dhënash."),
            "invalid_choice": _("Zgjidhni kategori nga ato që mban regjistri."),
        },
    )
    period_start = _date_field(_("Periudha nga"))
    period_end = _date_field(_("Periudha deri"))
    document_title = forms.CharField(
        label=_("Titulli i dokumenteve"),
        required=False,
        max_length=150,
        help_text=_("P.sh. „Urdhër i prokurorisë”; pa emra personash."),
    )
    documents = MultipleFileField(label=_("Dokumentet"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(category.value, category.label) for category in disclosable_categories()]

    def clean_accounts(self) -> list[User]:
        raw = [part for part in _NUMBERS.split(self.cleaned_data["accounts"]) if part]
        if not raw or not all(part.isdigit() for part in raw):
            raise forms.ValidationError(
                _("Shkruani numrat e llogarive me shifra, të ndarë me presje, p.sh. „12, 15”.")
            )
        wanted = {int(part) for part in raw}
        found = {user.pk: user for user in User.objects.filter(pk__in=wanted)}
        missing = sorted(wanted - set(found))
        if missing:
            raise forms.ValidationError(
                gettext("Nuk ka llogari me numrin %(numbers)s.")
                % {"numbers": ", ".join(str(number) for number in missing)}
            )
        return [found[pk] for pk in sorted(found)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        files = cleaned.get("documents") or []
        if files and not cleaned.get("document_title", "").strip():
            self.add_error(
                "document_title", _("Jepini dokumenteve një titull, p.sh. „Urdhër gjykate”.")
            )
        return cleaned

    def uploads(self) -> list[DocumentUpload]:
        files: list[UploadedFile] = self.cleaned_data.get("documents") or []
        title = self.cleaned_data.get("document_title", "")
        return [
            DocumentUpload(
                title=title if len(files) == 1 else f"{title} ({index})",
                content=upload.read(),
                content_type=upload.content_type or "",
            )
            for index, upload in enumerate(files, start=1)
        ]

    @property
    def chosen_categories(self) -> list[Category]:
        return [Category(value) for value in self.cleaned_data["categories"]]


NOTIFY_NOW = ""


class LegalRequestDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Vendimi"),
        widget=forms.RadioSelect,
        choices=[
            (outcome.value, outcome.label)
            for outcome in RequestOutcome
            if outcome != RequestOutcome.PENDING
        ],
        error_messages={"required": _("Zgjidhni vendimin.")},
    )
    reason = ReasonField(
        min_letters=10,
        label=_("Arsyeja"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Shkruani arsyen e vendimit.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Kategoritë që jepen (për miratim të pjesshëm)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Zgjidhni vetëm kategori që kërkesa i kërkon.")},
    )
    approved_start = _date_field(_("Periudha e miratuar nga"), required=False)
    approved_end = _date_field(_("Periudha e miratuar deri"), required=False)
    notice_withheld = forms.ChoiceField(
        label=_("Njoftimi i personit"),
        required=False,
        choices=[(NOTIFY_NOW, _("Personi njoftohet kur jepen të dhënat")), *NoticeWithheld.choices],
    )
    notice_withheld_note = forms.CharField(
        label=_("Shënim për ndalimin"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Neni i ligjit ose urdhri që e ndalon njoftimin."),
    )
    notice_withheld_until = _date_field(_("Njoftimi ndalohet deri më"), required=False)

    def __init__(self, *args: Any, request: LegalRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (category.value, category.label)
            for category in Category
            if category.value in request.categories
        ]

    @property
    def chosen(self) -> dict[str, Any]:
        """Return the decision as the service takes it."""
        data = self.cleaned_data
        withheld = data.get("notice_withheld") or NOTIFY_NOW
        return {
            "outcome": RequestOutcome(data["outcome"]),
            "reason": data["reason"],
            "categories": [Category(value) for value in data.get("categories") or []],
            "period_start": data.get("approved_start"),
            "period_end": data.get("approved_end"),
            "notice_withheld": NoticeWithheld(withheld) if withheld else None,
            "notice_withheld_note": data.get("notice_withheld_note", ""),
            "notice_withheld_until": data.get("notice_withheld_until"),
        }
