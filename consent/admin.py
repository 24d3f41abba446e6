from __future__ import annotations

import csv

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDecision
from consent.services import EXPORT_COLUMNS, consent_ledger_export, may_export_ledger
from privacy.audit import client_address
from staff.admin_base import ReadOnlyAdmin


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
