"""The officer's two documents in the back office: the records of processing and the report.

Each is a page listed under its app, with its JSON or PDF beside it. Only the
data-protection officer sees them: the permission is granted to that role alone, and a
superuser without the role is refused too, as on the erasure queue. Neither document
holds anyone's personal data: field names, roles, counts and test names only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from compliance.documents import outcome_counts, records_pdf, report_pdf
from compliance.models import ComplianceReport, ProcessingRecords
from compliance.permissions import CompliancePermission
from compliance.records import records_as_dict, records_build
from compliance.report import junit_dir, report_build
from privacy.roles import Role, staff_roles


def officer_may(user: Any, permission: CompliancePermission) -> bool:
    """Whether this staff member may read the document: the officer, and no one else."""
    if not user.is_active or not user.is_staff or not user.has_perm(permission):
        return False
    return Role.DATA_PROTECTION_OFFICER in staff_roles(user)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OfficerDocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A generated document shown as the model's only page; nothing to add, change or delete."""

    permission: CompliancePermission

    def has_module_permission(self, request: HttpRequest) -> bool:
        return officer_may(request.user, self.permission)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return officer_may(request.user, self.permission)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def document_urls(self, *own: URLPattern) -> list[URLPattern]:
        """Return the document's own addresses and its page; no object has change,
        delete or history pages (the model has no rows)."""
        page_name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        page = path("", self.admin_site.admin_view(self.changelist_view), name=page_name)
        return [*own, page]

    def guard(self, request: HttpRequest) -> None:
        if not officer_may(request.user, self.permission):
            raise PermissionDenied

    def page(self, request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": str(self.opts.verbose_name_plural).capitalize(),
                **context,
            },
        )


@admin.register(ProcessingRecords)
class ProcessingRecordsAdmin(OfficerDocumentAdmin):
    permission = CompliancePermission.VIEW_RECORDS

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "json/",
                self.admin_site.admin_view(self.json_view),
                name="compliance_processingrecords_json",
            ),
            path(
                "pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="compliance_processingrecords_pdf",
            ),
        ]
        return self.document_urls(*own)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.guard(request)
        records = records_build()
        names = {recipient.key: recipient.name for recipient in records.recipients}
        return self.page(
            request,
            "admin/compliance/records.html",
            {
                "records": records,
                "fields": [
                    (entry, [names[key] for key in entry.recipients]) for entry in records.fields
                ],
                "json_url": reverse("admin:compliance_processingrecords_json"),
                "pdf_url": reverse("admin:compliance_processingrecords_pdf"),
            },
        )

    def json_view(self, request: HttpRequest) -> HttpResponse:
        self.guard(request)
        return JsonResponse(
            records_as_dict(records_build()), json_dumps_params={"ensure_ascii": False}
        )

    def pdf_view(self, request: HttpRequest) -> HttpResponse:
        self.guard(request)
        day = timezone.localdate().isoformat()
        return _pdf(records_pdf(records_build()), f"regjistri-i-perpunimit-{day}.pdf")


@admin.register(ComplianceReport)
class ComplianceReportAdmin(OfficerDocumentAdmin):
    permission = CompliancePermission.VIEW_REPORT

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="compliance_compliancereport_pdf",
            ),
        ]
        return self.document_urls(*own)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.guard(request)
        report = report_build()
        return self.page(
            request,
            "admin/compliance/report.html",
            {
                "report": report,
                "rows": [
                    (status, outcome_counts(status.passed, status.failed, status.skipped))
                    for status in report.clauses
                ],
                "junit_dir": junit_dir(),
                "pdf_url": reverse("admin:compliance_compliancereport_pdf"),
            },
        )

    def pdf_view(self, request: HttpRequest) -> HttpResponse:
        self.guard(request)
        day = timezone.localdate().isoformat()
        return _pdf(report_pdf(report_build()), f"raporti-i-perputhshmerise-{day}.pdf")
