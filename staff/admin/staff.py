from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    ReadOnlyAdmin,
    Table,
    TableRow,
    dashboard_panel_add,
    days_from_today_text,
)
from staff.models import TrainingRecord
from staff.permissions import StaffPermission
from staff.selectors import training_due


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


class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's page of staff authenticator devices, searched without touching ciphertext.

    django-otp searches the owner's email with a substring match; our email column is
    ciphertext (P6), which refuses that lookup. A device is found by the account number,
    or by the owner's exact email through its blind index.
    """

    search_fields = ["=user__id"]
    search_help_text = _("Kërkoni me numrin e llogarisë ose me email-in e plotë të punonjësit.")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[TOTPDevice], search_term: str
    ) -> tuple[QuerySet[TOTPDevice], bool]:
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(user__in=User.objects.with_email(term)), False
        return super().get_search_results(request, queryset, search_term)


# django-otp registers its own admin when its module is imported (above); ours replaces it.
admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, StaffTOTPDeviceAdmin)


class RoleGroupAdmin(ReadOnlyAdmin, GroupAdmin):
    """The role groups, shown as they are: roles are code (privacy.roles, permissions.py).

    `roles_sync` is their only writer, on every migrate. A group renamed, given a
    permission or deleted here would hand or take a role from everyone in it at once,
    outside `account_powers_change` and its record (P5).
    """


admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)


# The DPO's training on the landing page (P14): who lost access to personal data for want
# of training, and whose runs out soon. Account numbers and roles; never a name.
TRAINING_LISTED = 6


def _training_due_parts(request: HttpRequest) -> list[Figures | Table]:
    today = timezone.localdate()
    days = settings.FEJZO_TRAINING_WARNING_DAYS
    due = training_due(today=today, days=days, limit=TRAINING_LISTED)
    changelist = reverse("admin:staff_trainingrecord_changelist")
    return [
        Figures(
            items=[
                Figure(
                    label=_("Pa trajnim të vlefshëm"),
                    value=str(due.lapsed),
                    url=f"{changelist}?gjendja=expired",
                    urgent=bool(due.lapsed),
                ),
                Figure(
                    label=_("Skadon brenda %(days)d ditëve") % {"days": days},
                    value=str(due.expiring),
                    url=f"{changelist}?gjendja=expiring",
                ),
            ]
        ),
        Table(
            caption=_("Trajnimi për privatësinë dhe sigurinë"),
            headers=[_("Punonjësi"), _("Roli"), _("I vlefshëm deri më"), _("Kur")],
            rows=[
                TableRow(
                    cells=[
                        gettext("Llogaria #%(id)s") % {"id": trained.staff_id},
                        ", ".join(str(role.label) for role in trained.roles) or "—",
                        trained.trained_until.strftime("%d.%m.%Y")
                        if trained.trained_until
                        else "—",
                        days_from_today_text(trained.trained_until, today=today)
                        if trained.trained_until
                        else gettext("Nuk e ka bërë kurrë"),
                    ],
                    url=f"{changelist}?staff__id__exact={trained.staff_id}",
                    urgent=trained.trained_until is None or trained.trained_until < today,
                )
                for trained in due.staff
            ],
            empty=_("Trajnimi i të gjithëve vlen edhe %(days)d ditë e më shumë.") % {"days": days},
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="staff-training-due",
        title=_("Trajnimet e stafit"),
        permission=StaffPermission.VIEW_TRAINING_RECORD,
        parts=_training_due_parts,
        position=35,
        more_url=lambda: reverse("admin:staff_trainingrecord_changelist"),
        more_label=_("Të gjitha trajnimet"),
    )
)
