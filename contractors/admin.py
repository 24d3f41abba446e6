"""The back office of contractors (P10): the register, the DPO's allow-lists, job assignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contractors.access import choosable_fields
from contractors.models import (
    Agreement,
    ContractorCompany,
    ContractorFunction,
    ContractorPerson,
    FunctionFieldAllowance,
    Job,
)
from contractors.services import ContractorError, allowance_add, job_assign, job_assign_check
from staff.admin_base import PersonalDataAdmin, datetime_shown


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0
    fields = ["signed_on", "ends_on", "document", "reminded_on"]
    readonly_fields = ["reminded_on"]


@admin.register(ContractorCompany)
class ContractorCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_number", "office_phone"]
    search_fields = ["name", "=tax_number"]
    fields = ["name", "tax_number", "office_phone", "office_email"]
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["company", "signed_on", "ends_on", "reminded_on"]
    list_filter = ["ends_on"]
    fields = ["company", "signed_on", "ends_on", "document", "reminded_on"]
    readonly_fields = ["reminded_on"]


class AllowanceForm(forms.ModelForm):
    """The DPO picks a field from the registry's list; nothing else can be typed."""

    field = forms.ChoiceField(label=_("Fusha"), choices=())

    class Meta:
        model = FunctionFieldAllowance
        fields = ["function", "field"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            (choice.name, f"{choice.label} ({choice.name})") for choice in choosable_fields()
        ]


@admin.register(FunctionFieldAllowance)
class FunctionFieldAllowanceAdmin(admin.ModelAdmin):
    form = AllowanceForm
    list_display = ["function", "field"]
    list_filter = ["function"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An entry is added or removed, never rewritten into another field.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form offers only the registry's fields; the service checks again.
        saved = allowance_add(function=obj.function, field=obj.field, actor=request.user)
        obj.pk = saved.pk
        obj._state.adding = False


class AllowanceInline(admin.TabularInline):
    model = FunctionFieldAllowance
    form = AllowanceForm
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ContractorFunction)
class ContractorFunctionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_sq", "name_en"]
    fields = ["slug", "name_sq", "name_en"]
    inlines = [AllowanceInline]


@admin.register(ContractorPerson)
class ContractorPersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "active"]
    list_filter = ["company", "active"]
    raw_id_fields = ["user"]
    fields = ["user", "company", "functions", "active"]
    filter_horizontal = ["functions"]


class JobAssignForm(forms.ModelForm):
    class Meta:
        model = Job
        fields = ["order", "company", "function", "window_start", "window_end"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        order, start, end = (cleaned.get(k) for k in ("order", "window_start", "window_end"))
        if order is not None and start is not None and end is not None:
            try:
                job_assign_check(order=order, window_start=start, window_end=end)
            except ContractorError as error:
                raise ValidationError(str(error)) from error
        return cleaned


@admin.register(Job)
class JobAdmin(PersonalDataAdmin):
    """Sales and care give an order to a company; what the courier wrote stays out of sight."""

    form = JobAssignForm
    list_display = ["__str__", "order", "company", "function", "window_start_shown", "status"]
    list_filter = ["status", "company", "function"]
    list_select_related = ["order", "company", "function"]
    raw_id_fields = ["order"]
    fields = ["order", "company", "function", "window_start", "window_end"]

    @admin.display(description=_("Nga"), ordering="window_start")
    def window_start_shown(self, job: Job) -> str:
        return datetime_shown(job.window_start)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Job, form: Any, change: bool) -> None:
        job = job_assign(
            order=obj.order,
            company=obj.company,
            function=obj.function,
            window_start=obj.window_start,
            window_end=obj.window_end,
            actor=request.user,
        )
        obj.pk = job.pk
        obj._state.adding = False
