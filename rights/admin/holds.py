"""Legal holds (P12): what may not be erased yet, why, and when it is looked at again.

Read-only. Holds are placed from an erasure request's page (or by the system for an
order in flight or an open case) and lifted here through `legal_hold_lift`, which
erases what the hold kept if the person was already erased.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from rights.admin.display import (
    REQUEST_PARAMETER,
    ErasurePermission,
    error_text,
    may,
    moment_text,
    refuse_outsiders,
    staff_role_labels,
    subject_label,
)
from rights.admin.filters import AutomaticFilter, HoldStateFilter
from rights.erasure.report import hold_reason
from rights.holds.services import legal_hold_lift
from rights.models import ErasedSubject, ErasureRequest, LegalHold
from rights.requests.services import ErasureRequestError
from staff.admin_base import ReadOnlyAdmin

TEMPLATES = "admin/rights/legalhold"


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "number",
        "account",
        "kind",
        "order_number",
        "case_number",
        "review_date",
        "automatic_text",
        "active_text",
    ]
    list_display_links = ["number"]
    list_filter = [HoldStateFilter, "kind", AutomaticFilter]
    search_fields = ["=subject__id", "=order__number"]
    search_help_text = _("Kërkoni me numrin e llogarisë ose të porosisë.")
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    list_per_page = 50
    actions = None
    fields = readonly_fields = (
        "account",
        "kind",
        "order_number",
        "case_number",
        "legal_request",
        "reason",
        "review_date",
        "automatic_text",
        "placed",
        "placed_by_role",
        "lifted",
        "lifted_by_role",
        "requests",
    )
    change_form_template = f"{TEMPLATES}/change_form.html"

    class Media:
        css = {"all": ["css/privacy-admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[LegalHold]:
        return (
            super()
            .get_queryset(request)
            .select_related("order")
            .annotate(pseudonym=F("subject__erasure__pseudonym"))
        )

    @admin.display(description=_("Nr."), ordering="id")
    def number(self, hold: LegalHold) -> str:
        return f"#{hold.pk}"

    @admin.display(description=_("Llogaria"))
    def account(self, hold: LegalHold) -> str:
        return subject_label(hold.subject_id, getattr(hold, "pseudonym", None))

    @admin.display(description=_("Porosia"), ordering="order__number")
    def order_number(self, hold: LegalHold) -> str:
        return hold.order.number if hold.order is not None else "—"

    @admin.display(description=_("Rasti"))
    def case_number(self, hold: LegalHold) -> str:
        return f"#{hold.support_case_id}" if hold.support_case_id else "—"

    @admin.display(description=_("Rishikohet më"), ordering="review_on")
    def review_date(self, hold: LegalHold) -> str:
        return hold.review_on.strftime("%d.%m.%Y")

    @admin.display(description=_("Vendosur më"))
    def placed(self, hold: LegalHold) -> str:
        return moment_text(hold.placed_at)

    @admin.display(description=_("Hequr më"))
    def lifted(self, hold: LegalHold) -> str:
        return moment_text(hold.lifted_at)

    @admin.display(description=_("Automatik"), ordering="automatic")
    def automatic_text(self, hold: LegalHold) -> str:
        return gettext("Po") if hold.automatic else gettext("Jo")

    @admin.display(description=_("Gjendja"), ordering="lifted_at")
    def active_text(self, hold: LegalHold) -> str:
        return gettext("Aktiv") if hold.is_active else gettext("Hequr")

    @admin.display(description=_("Vendosur nga"))
    def placed_by_role(self, hold: LegalHold) -> str:
        return _role(hold.placed_by_id) if not hold.automatic else gettext("Sistemi")

    @admin.display(description=_("Hequr nga"))
    def lifted_by_role(self, hold: LegalHold) -> str:
        if hold.lifted_at is None:
            return "—"
        return _role(hold.lifted_by_id) if hold.lifted_by_id else gettext("Sistemi")

    @admin.display(description=_("Kërkesat për fshirje"))
    def requests(self, hold: LegalHold) -> str:
        numbers = ErasureRequest.objects.filter(subject_id=hold.subject_id).values_list(
            "pk", flat=True
        )
        return ", ".join(f"#{pk}" for pk in numbers) or "—"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        hold = self.get_object(request, unquote(object_id))
        if hold is not None and hold.is_active and may(request.user, ErasurePermission.LIFT_HOLD):
            context["lift_url"] = reverse("admin:rights_legalhold_lift", args=[hold.pk])
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        return refuse_outsiders(
            [
                path(
                    "<int:object_id>/hiq/",
                    self.admin_site.admin_view(self.lift_view),
                    name="rights_legalhold_lift",
                ),
                *super().get_urls(),  # type: ignore[list-item]
            ]
        )

    def lift_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Say what lifting does (GET); lift the hold, erasing what it kept if due (POST)."""
        may_lift = self.has_view_permission(request) and may(
            request.user, ErasurePermission.LIFT_HOLD
        )
        if not may_lift:
            raise PermissionDenied
        hold = self.get_object(request, str(object_id))
        if hold is None:
            raise Http404
        back = self._back_url(request, hold)
        if request.method == "POST":
            if not hold.is_active:
                messages.info(request, gettext("Ky bllokim ishte hequr tashmë."))
                return HttpResponseRedirect(back)
            try:
                legal_hold_lift(hold=hold, actor=cast(User, request.user))
            except ErasureRequestError as error:
                messages.error(request, error_text(error))
                return HttpResponseRedirect(back)
            if ErasedSubject.objects.filter(user_id=hold.subject_id).exists():
                messages.success(
                    request,
                    gettext("Bllokimi u hoq. Të dhënat që mbante u fshinë ose u anonimizuan tani."),
                )
            else:
                messages.success(
                    request,
                    gettext(
                        "Bllokimi u hoq: kur të zbatohet fshirja, këto të dhëna fshihen bashkë "
                        "me të tjerat."
                    ),
                )
            return HttpResponseRedirect(back)
        return TemplateResponse(
            request,
            f"{TEMPLATES}/lift_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Hiq bllokimin ligjor"),
                "hold": hold,
                "hold_text": hold_reason(hold, for_customer=False),
                "account": self.account(hold),
                "erased": ErasedSubject.objects.filter(user_id=hold.subject_id).exists(),
                "back_url": back,
            },
        )

    def _back_url(self, request: HttpRequest, hold: LegalHold) -> str:
        """Return the page the lift was asked from: the request's, or the hold's own."""
        number = request.GET.get(REQUEST_PARAMETER, "")
        if (
            number.isdigit()
            and ErasureRequest.objects.filter(pk=int(number), subject_id=hold.subject_id).exists()
        ):
            return reverse("admin:rights_erasurerequest_change", args=[int(number)])
        return reverse("admin:rights_legalhold_change", args=[hold.pk])


def _role(staff_id: int | None) -> str:
    if staff_id is None:
        return "—"
    return staff_role_labels([staff_id])[staff_id]
