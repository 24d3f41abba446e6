from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import TrainingRecord


class TrainingRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    recorded_by: Any = None

    class Meta:
        model = TrainingRecord
        fields = ["staff", "course", "completed_on", "valid_until"]

    def clean_staff(self) -> Any:
        staff = self.cleaned_data["staff"]
        # Training unlocks personal data (P14): nobody certifies themselves.
        if self.recorded_by is not None and staff.pk == self.recorded_by.pk:
            raise forms.ValidationError(_("Nuk mund të regjistroni trajnimin tuaj."))
        return staff


class TrainingStateFilter(admin.SimpleListFilter):
    title = _("gjendja")
    parameter_name = "gjendja"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:  # type: ignore[type-arg]
        return [
            ("expiring", _("Skadon së shpejti")),
            ("expired", _("Ka skaduar")),
            ("valid", _("I vlefshëm")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[TrainingRecord]
    ) -> QuerySet[TrainingRecord]:
        today = timezone.localdate()
        soon = today + timedelta(days=settings.FEJZO_TRAINING_WARNING_DAYS)
        if self.value() == "expiring":
            return queryset.filter(valid_until__gte=today, valid_until__lte=soon)
        if self.value() == "expired":
            return queryset.filter(valid_until__lt=today)
        if self.value() == "valid":
            return queryset.filter(valid_until__gte=today)
        return queryset


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who is trained until when; expiring and expired training is what admins act on."""

    list_display = ["staff_account", "course", "completed_on", "valid_until", "state"]
    list_filter = [TrainingStateFilter, "course"]
    raw_id_fields = ["staff"]
    ordering = ["valid_until"]
    form = TrainingRecordForm

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.recorded_by = request.user  # type: ignore[attr-defined]
        return form

    @admin.display(description=_("Punonjësi"), ordering="staff_id")
    def staff_account(self, record: TrainingRecord) -> str:
        return str(record.staff)

    @admin.display(description=_("Gjendja"))
    def state(self, record: TrainingRecord) -> str:
        today = timezone.localdate()
        if record.valid_until < today:
            return str(_("Ka skaduar"))
        if record.valid_until <= today + timedelta(days=settings.FEJZO_TRAINING_WARNING_DAYS):
            return str(_("Skadon së shpejti"))
        return str(_("I vlefshëm"))
