from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from staff.access import Scope
from staff.admin_base import (
    CustomerPageInline,
    DashboardPanel,
    Figure,
    Figures,
    PersonalDataAdmin,
    Table,
    TableRow,
    customer_page_inline_add,
    dashboard_panel_add,
    datetime_shown,
)
from support.models import CaseStatus, SupportCase
from support.permissions import SupportPermission
from support.selectors import case_queue_figures, cases_open_oldest
from support.services import case_save


@customer_page_inline_add
class CustomerCasesInline(CustomerPageInline):
    """The customer's support cases on their page: number, opened, status; nothing they said."""

    model = SupportCase
    fk_name = "customer"
    view_permission = SupportPermission.VIEW_SUPPORT_CASE
    verbose_name = _("rast")
    verbose_name_plural = _("Rastet e mbështetjes së klientit")
    fields = readonly_fields = ("case_link", "opened_at_shown", "status")

    @admin.display(description=_("Rasti"))
    def case_link(self, case: SupportCase) -> SafeString:
        return format_html('<a href="{}">{}</a>', self.record_url(case), str(case))

    @admin.display(description=_("Hapur më"))
    def opened_at_shown(self, case: SupportCase) -> str:
        return datetime_shown(case.opened_at)


@admin.register(SupportCase)
class SupportCaseAdmin(PersonalDataAdmin):
    list_display = [
        "__str__",
        "customer",
        "channel",
        "summary",
        "status",
        "assigned_to",
        "opened_at_shown",
    ]
    list_filter = ["status", "channel"]
    list_select_related = ["assigned_to", "customer"]
    search_fields = ["=id"]
    raw_id_fields = ["customer", "order"]
    fields = [
        "customer",
        "order",
        "channel",
        "summary",
        "customer_message",
        "status",
        "assigned_to",
        "opened_by",
        "assigned_by",
        "opened_at",
        "closed_at",
    ]
    readonly_fields = ["opened_by", "assigned_by", "opened_at", "closed_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        # A case stays with the customer it was opened for: re-pointing it would make
        # a purpose for anyone (P5).
        return [*readonly, "customer"] if obj is not None else readonly

    @admin.display(description=_("Hapur më"), ordering="opened_at")
    def opened_at_shown(self, case: SupportCase) -> str:
        return datetime_shown(case.opened_at)

    def purpose_scope(self, obj: SupportCase) -> Scope:
        return Scope.of(obj)

    def save_model(self, request: HttpRequest, obj: SupportCase, form: Any, change: bool) -> None:
        case_save(case=obj, changed=list(form.changed_data), actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "opened_at": timezone.now()}


# Customer care's queue on the landing page: counts and case numbers, nothing the customer said.
CASES_LISTED = 5


def _open_cases_parts(request: HttpRequest) -> list[Figures | Table]:
    figures = case_queue_figures(now=timezone.now())
    changelist = reverse("admin:support_supportcase_changelist")
    open_cases = f"{changelist}?status__exact={CaseStatus.OPEN.value}"
    oldest = [
        TableRow(
            cells=[str(case), case.get_channel_display(), datetime_shown(case.opened_at)],
            url=reverse("admin:support_supportcase_change", args=[case.pk]),
            urgent=case.assigned_to_id is None,
        )
        for case in cases_open_oldest(limit=CASES_LISTED)
    ]
    return [
        Figures(
            items=[
                Figure(label=_("Raste të hapura"), value=str(figures.open), url=open_cases),
                Figure(
                    label=_("Pa marrë në ngarkim"),
                    value=str(figures.unassigned),
                    urgent=bool(figures.unassigned),
                ),
                Figure(label=_("Hapur sot"), value=str(figures.opened_today)),
            ]
        ),
        Table(
            caption=_("Presin më gjatë"),
            headers=[_("Rasti"), _("Kanali"), _("Hapur më")],
            rows=oldest,
            empty=_("Asnjë rast i hapur."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="support-open-cases",
        title=_("Rastet e hapura"),
        permission=SupportPermission.CHANGE_SUPPORT_CASE,
        parts=_open_cases_parts,
        position=40,
        more_url=lambda: reverse("admin:support_supportcase_changelist"),
        more_label=_("Të gjitha rastet"),
    )
)
