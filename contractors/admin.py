"""The back office of contractors (P10): the register, the DPO's allow-lists, job assignment,
and the deliveries care must follow up on their landing page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contractors.access import choosable_fields
from contractors.models import (
    Agreement,
    ContractorCompany,
    ContractorFunction,
    ContractorPerson,
    FunctionFieldAllowance,
    Job,
    JobStatus,
)
from contractors.permissions import ContractorPermission
from contractors.selectors import FOLLOW_UP_DAYS, agreements_due, follow_ups
from contractors.services import (
    DELIVERING_FUNCTIONS,
    ContractorError,
    allowance_add,
    job_assign,
    job_assign_check,
)
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    PersonalDataAdmin,
    Table,
    TableRow,
    dashboard_panel_add,
    datetime_shown,
    days_from_today_text,
)


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
        fields = ["order", "case", "appliance", "company", "function", "window_start", "window_end"]
        help_texts = {
            "case": _("Për një riparim: rasti i klientit, në vend të porosisë."),
            "appliance": _(
                "Për një riparim: artikulli i porosisë së rastit që riparohet. Bosh kur "
                "porosia ka vetëm një."
            ),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        # Both or neither of an order and a case: the model's constraint says so, once.
        one = (cleaned.get("order") is None) != (cleaned.get("case") is None)
        if one and start is not None and end is not None:
            try:
                cleaned["appliance"] = job_assign_check(
                    order=cleaned.get("order"),
                    case=cleaned.get("case"),
                    appliance=cleaned.get("appliance"),
                    window_start=start,
                    window_end=end,
                )
            except ContractorError as error:
                raise ValidationError(str(error)) from error
        return cleaned


def served_text(job: Job) -> str:
    """Name what a job is for as staff know it: the order's number, or the case's."""
    if job.order_id is not None and job.order is not None:
        return job.order.number
    return gettext("Rasti #%(case)s") % {"case": job.case_id}


@admin.register(Job)
class JobAdmin(PersonalDataAdmin):
    """Sales and care give an order (or a repair case) to a company; what the courier wrote
    stays out of sight."""

    form = JobAssignForm
    list_display = ["__str__", "served", "company", "function", "window_start_shown", "status"]
    list_filter = ["status", "company", "function"]
    list_select_related = ["order", "company", "function"]
    raw_id_fields = ["order", "case", "appliance"]
    fields = ["order", "case", "appliance", "company", "function", "window_start", "window_end"]

    @admin.display(description=_("Për"))
    def served(self, job: Job) -> str:
        return served_text(job)

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
            case=obj.case,
            appliance=obj.appliance,
            company=obj.company,
            function=obj.function,
            window_start=obj.window_start,
            window_end=obj.window_end,
            actor=request.user,
        )
        obj.pk = job.pk
        obj._state.adding = False


# Care's follow-ups on the landing page: deliveries not made, and deliveries the order did
# not follow. Record numbers, companies and times; never the customer, nor the reason.
FOLLOW_UPS_LISTED = 5


def _follow_up_row(job: Job, what: str) -> TableRow:
    return TableRow(
        cells=[
            served_text(job),
            f"{job.company.name}, {job.function.name_sq}",
            what,
            datetime_shown(job.closed_at),
        ],
        url=reverse("admin:contractors_job_change", args=[job.pk]),
        urgent=job.status == JobStatus.FAILED,
    )


def _follow_up_parts(request: HttpRequest) -> list[Figures | Table]:
    found = follow_ups(now=timezone.now(), slugs=DELIVERING_FUNCTIONS, limit=FOLLOW_UPS_LISTED)
    changelist = reverse("admin:contractors_job_changelist")
    behind = gettext("U dorëzua; porosia: %(status)s")
    rows = [_follow_up_row(job, str(JobStatus.FAILED.label)) for job in found.failed] + [
        _follow_up_row(
            job, behind % {"status": job.order.get_status_display() if job.order else ""}
        )
        for job in found.behind
    ]
    return [
        Figures(
            items=[
                Figure(
                    label=_("Nuk u kryen, pa punë të re"),
                    value=str(found.failed_count),
                    url=f"{changelist}?status__exact={JobStatus.FAILED.value}",
                    urgent=bool(found.failed_count),
                ),
                Figure(
                    label=_("Dorëzuar, porosia pa u shënuar"),
                    value=str(found.behind_count),
                    urgent=bool(found.behind_count),
                ),
            ]
        ),
        Table(
            caption=_("Për t'u ndjekur, %(days)d ditët e fundit") % {"days": FOLLOW_UP_DAYS},
            headers=[_("Porosia ose rasti"), _("Kontraktori"), _("Çfarë ndodhi"), _("Kur")],
            rows=rows,
            empty=_("Asnjë dorëzim për t'u ndjekur."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="contractors-follow-ups",
        title=_("Dorëzimet për t'u ndjekur"),
        permission=ContractorPermission.ADD_JOB,
        parts=_follow_up_parts,
        position=30,
        more_url=lambda: reverse("admin:contractors_job_changelist"),
        more_label=_("Të gjitha punët e kontraktorëve"),
    )
)


# The DPO's agreements on the landing page: those ending with nothing signed to follow,
# and the companies still working with none in force. Companies and dates; no people.
AGREEMENTS_LISTED = 5


def _agreements_due_parts(request: HttpRequest) -> list[Figures | Table]:
    today = timezone.localdate()
    days = settings.CONTRACTOR_AGREEMENT_REMINDER_DAYS
    due = agreements_due(today=today, days=days, limit=AGREEMENTS_LISTED)
    companies = reverse("admin:contractors_contractorcompany_changelist")
    return [
        Figures(
            items=[
                Figure(
                    label=_("Mbarojnë brenda %(days)d ditëve") % {"days": days},
                    value=str(due.ending_count),
                    url=reverse("admin:contractors_agreement_changelist"),
                ),
                Figure(
                    label=_("Punë të hapura pa marrëveshje në fuqi"),
                    value=str(due.lapsed_count),
                    url=companies,
                    urgent=bool(due.lapsed_count),
                ),
            ]
        ),
        Table(
            caption=_("Punojnë pa marrëveshje në fuqi"),
            headers=[_("Kompania"), _("Marrëveshja mbaroi"), _("Punë të hapura")],
            rows=[
                TableRow(
                    cells=[
                        company.name,
                        days_from_today_text(company.ended_on, today=today)
                        if company.ended_on
                        else gettext("Nuk ka pasur kurrë"),
                        str(company.open_jobs),
                    ],
                    url=reverse(
                        "admin:contractors_contractorcompany_change", args=[company.company_id]
                    ),
                    urgent=True,
                )
                for company in due.lapsed
            ],
        ),
        Table(
            caption=_("Marrëveshjet që mbarojnë"),
            headers=[_("Kompania"), _("Mbaron më"), _("Kur")],
            rows=[
                TableRow(
                    cells=[
                        agreement.company.name,
                        agreement.ends_on.strftime("%d.%m.%Y"),
                        days_from_today_text(agreement.ends_on, today=today),
                    ],
                    url=reverse("admin:contractors_agreement_change", args=[agreement.pk]),
                )
                for agreement in due.ending
            ],
            empty=_("Asnjë marrëveshje nuk mbaron së shpejti."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="contractors-agreements-due",
        title=_("Marrëveshjet e kontraktorëve"),
        permission=ContractorPermission.VIEW_AGREEMENT,
        parts=_agreements_due_parts,
        position=34,
        more_url=lambda: reverse("admin:contractors_agreement_changelist"),
        more_label=_("Të gjitha marrëveshjet"),
    )
)
