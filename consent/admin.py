from __future__ import annotations

import csv

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDecision
from consent.permissions import ConsentPermission
from consent.selectors import consent_decisions_by_week
from consent.services import EXPORT_COLUMNS, consent_ledger_export, may_export_ledger
from privacy.audit import client_address
from staff.admin_base import (
    CHART_WEEKS,
    DashboardPanel,
    Figure,
    Figures,
    ReadOnlyAdmin,
    Series,
    SeriesChart,
    dashboard_panel_add,
    percent,
    share_text,
    week_label,
    week_long_label,
)


@admin.action(description=_("Eksporto si CSV"), permissions=["export"])
def export_csv(
    modeladmin: ConsentDecisionAdmin, request: HttpRequest, queryset: QuerySet[ConsentDecision]
) -> HttpResponse:
    """Give the data-protection officer the selected decisions as proof; record the export."""
    rows = consent_ledger_export(
        decisions=queryset, actor=request.user, ip_address=client_address(request)
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="pelqimet-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return response


@admin.register(ConsentDecision)
class ConsentDecisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The consent ledger for the data-protection officer: search, read, export."""

    list_display = [
        "decided_at",
        "consent_id",
        "user_id",
        "action",
        "channel",
        "analytics",
        "personalisation",
        "banner_revision",
        "policy_version",
    ]
    list_filter = ["action", "channel", "analytics", "personalisation", "banner_revision"]
    search_fields = ["=consent_id", "=user__id"]
    search_help_text = _("Kërkoni me numrin e pëlqimit ose numrin e llogarisë.")
    date_hierarchy = "decided_at"
    show_full_result_count = False
    actions = [export_csv]
    fields = readonly_fields = EXPORT_COLUMNS

    def has_export_permission(self, request: HttpRequest) -> bool:
        # The officer only: not a superuser or an administrator without the officer's role.
        return may_export_ledger(request.user)


def _share(part: int, whole: int) -> str:
    share = percent(part, whole)
    return "—" if share is None else f"{share}%"


def _consent_rates_parts(request: HttpRequest) -> list[Figures | SeriesChart]:
    """The officer's view of P7 over time: how many browsers allowed which cookies, per week."""
    weeks = consent_decisions_by_week(today=timezone.localdate(), weeks=CHART_WEEKS)
    decisions = sum(week.decisions for week in weeks)
    return [
        Figures(
            items=[
                Figure(
                    label=_("Vendime në %(weeks)d javë") % {"weeks": CHART_WEEKS},
                    value=str(decisions),
                    url=reverse("admin:consent_consentdecision_changelist"),
                ),
                Figure(
                    label=_("Lejuan analitikën"),
                    value=_share(sum(week.analytics for week in weeks), decisions),
                ),
                Figure(
                    label=_("Refuzuan gjithçka"),
                    value=_share(sum(week.refused for week in weeks), decisions),
                ),
            ]
        ),
        SeriesChart(
            key="consent-rates",
            caption=_("Pëlqimi për cookies, java pas jave"),
            summary=_(
                "Përqindja e vendimeve të çdo jave që lejuan cookies analitike dhe "
                "cookies të personalizimit."
            ),
            labels=[week_label(week.week) for week in weeks],
            long_labels=[week_long_label(week.week) for week in weeks],
            series=[
                Series(
                    name=_("Lejuan analitikën"),
                    values=[percent(week.analytics, week.decisions) for week in weeks],
                ),
                Series(
                    name=_("Lejuan personalizimin"),
                    values=[percent(week.personalisation, week.decisions) for week in weeks],
                ),
            ],
            unit="%",
            maximum=100,
            table_headers=[
                _("Java"),
                _("Vendime"),
                _("Lejuan analitikën"),
                _("Lejuan personalizimin"),
                _("Refuzuan gjithçka"),
            ],
            table_rows=[
                [
                    week_long_label(week.week),
                    str(week.decisions),
                    share_text(week.analytics, week.decisions),
                    share_text(week.personalisation, week.decisions),
                    share_text(week.refused, week.decisions),
                ]
                for week in weeks
            ],
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="consent-rates",
        title=_("Pëlqimi për cookies"),
        permission=ConsentPermission.VIEW_CONSENT_DECISION,
        parts=_consent_rates_parts,
        position=80,
        more_url=lambda: reverse("admin:consent_consentdecision_changelist"),
        more_label=_("Regjistri i pëlqimeve"),
    )
)
