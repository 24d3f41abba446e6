"""The data-protection officer's erasure queue (P12), with no personal value on any page (P5).

The list is the queue, earliest due first, late requests flagged. A request's page is
read-only: its history, the holds on the person, and what erasure will do or did. Every
step is a button to a confirmation page that calls `rights.requests.services`, which
holds the rules: executing, extending and holds need the officer's permissions;
registering a request that reached staff by email, phone or in person needs only
`register_erasurerequest`, which customer care has too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.models import ActorKind
from rights.admin.display import (
    CLOSED_STATES,
    PLAN_LABELS,
    QUEUE_STATES,
    REQUEST_PARAMETER,
    ErasurePermission,
    actor_text,
    day_text,
    days_left,
    error_text,
    event_detail,
    is_overdue,
    may,
    moment_text,
    refuse_outsiders,
    staff_id_of,
    staff_role_labels,
    subject_label,
)
from rights.admin.exports import failed_export_rows
from rights.admin.filters import OverdueFilter, QueueFilter
from rights.admin.forms import ErasureExtendForm, LegalHoldForm
from rights.admin.registration import register_view
from rights.erasure.report import erasure_plan, hold_reason, holds_expected, report_lines
from rights.holds.services import legal_hold_place
from rights.models import ErasureRequest, ErasureState, LegalHold, RequestChannel
from rights.requests.services import (
    ErasureRequestError,
    add_months,
    erasure_request_execute,
    erasure_request_extend,
)
from staff.admin_base import ReadOnlyAdmin

TEMPLATES = "admin/rights/erasurerequest"


def _staff(request: HttpRequest) -> User:
    # admin_view() admits only signed-in, active staff.
    return cast(User, request.user)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "number",
        "account",
        "state",
        "channel",
        "received_on",
        "due_on",
        "days_left",
        "overdue",
        "extended",
    ]
    list_display_links = ["number"]
    list_filter = [QueueFilter, "channel", OverdueFilter]
    search_fields = ["=id", "=subject__id"]
    search_help_text = _("Kërkoni me numrin e kërkesës ose të llogarisë.")
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    list_per_page = 50
    # Executing, extending and holds are deliberate, one request at a time.
    actions = None
    fields = readonly_fields = (
        "account",
        "state",
        "channel",
        "received",
        "due",
        "deadline",
        "extended_on",
        "extension_reason",
        "verified",
        "executed",
        "completed",
        "registered_by_role",
    )
    change_form_template = f"{TEMPLATES}/change_form.html"

    class Media:
        css = {"all": ["css/privacy-admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[ErasureRequest]:
        # The pseudonym by a join: the list never loads a customer's row.
        return super().get_queryset(request).annotate(pseudonym=F("subject__erasure__pseudonym"))

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """Return the queue's order: waiting requests first, each by its due date."""
        closed = Case(When(state__in=QUEUE_STATES, then=Value(0)), default=Value(1))
        return [closed.asc(), "due_at", "id"]

    # Columns: numbers, states and dates only.

    @admin.display(description=_("Nr."), ordering="id")
    def number(self, erasure_request: ErasureRequest) -> str:
        return f"#{erasure_request.pk}"

    @admin.display(description=_("Llogaria"))
    def account(self, erasure_request: ErasureRequest) -> str:
        return subject_label(
            erasure_request.subject_id, getattr(erasure_request, "pseudonym", None)
        )

    @admin.display(description=_("Marrë më"), ordering="received_at")
    def received_on(self, erasure_request: ErasureRequest) -> str:
        return day_text(erasure_request.received_at)

    @admin.display(description=_("Afati"), ordering="due_at")
    def due_on(self, erasure_request: ErasureRequest) -> str:
        return day_text(erasure_request.due_at)

    @admin.display(description=_("Marrë më"))
    def received(self, erasure_request: ErasureRequest) -> str:
        return moment_text(erasure_request.received_at)

    @admin.display(description=_("Afati"))
    def due(self, erasure_request: ErasureRequest) -> str:
        return moment_text(erasure_request.due_at)

    @admin.display(description=_("Zgjatur më"))
    def extended_on(self, erasure_request: ErasureRequest) -> str:
        return moment_text(erasure_request.extended_at)

    @admin.display(description=_("Konfirmuar më"))
    def verified(self, erasure_request: ErasureRequest) -> str:
        return moment_text(erasure_request.verified_at)

    @admin.display(description=_("Zbatuar më"))
    def executed(self, erasure_request: ErasureRequest) -> str:
        return moment_text(erasure_request.executed_at)

    @admin.display(description=_("Përfunduar më"))
    def completed(self, erasure_request: ErasureRequest) -> str:
        return moment_text(erasure_request.completed_at)

    @admin.display(description=_("Ditë të mbetura"))
    def days_left(self, erasure_request: ErasureRequest) -> str:
        left = days_left(erasure_request)
        return "—" if left is None else str(left)

    @admin.display(description=_("Vonesa"))
    def overdue(self, erasure_request: ErasureRequest) -> str:
        if not is_overdue(erasure_request):
            return ""
        return format_html('<span class="erasure-overdue">{}</span>', gettext("Me vonesë"))

    @admin.display(description=_("Zgjatur"), ordering="extended_at")
    def extended(self, erasure_request: ErasureRequest) -> str:
        return gettext("Po") if erasure_request.extended_at else gettext("Jo")

    @admin.display(description=_("Ditë të mbetura"))
    def deadline(self, erasure_request: ErasureRequest) -> str:
        left = days_left(erasure_request)
        if left is None:
            return "—"
        if is_overdue(erasure_request):
            return format_html(
                '<span class="erasure-overdue">{}</span> {}',
                gettext("Me vonesë"),
                ngettext("%(days)s ditë pas afatit", "%(days)s ditë pas afatit", max(-left, 0))
                % {"days": max(-left, 0)},
            )
        return ngettext("%(days)s ditë e mbetur", "%(days)s ditë të mbetura", left) % {"days": left}

    @admin.display(description=_("Regjistruar nga"))
    def registered_by_role(self, erasure_request: ErasureRequest) -> str:
        if erasure_request.channel == RequestChannel.ACCOUNT:
            return gettext("Vetë klienti, nga llogaria")
        staff_id = erasure_request.registered_by_id
        if staff_id is None:
            return str(ActorKind.STAFF.label)
        return staff_role_labels([staff_id])[staff_id]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Above the queue: downloads that failed for good, so the officer sees them too.
        context = {"failed_exports": failed_export_rows(), **(extra_context or {})}
        return super().changelist_view(request, context)

    # The request's page: read-only, with its history, holds, plan or report, and buttons.

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        erasure_request = self.get_object(request, unquote(object_id))
        if erasure_request is not None and self.has_view_permission(request, erasure_request):
            context.update(self._panels(request, erasure_request))
        return super().change_view(request, object_id, form_url, context)

    def _panels(self, request: HttpRequest, erasure_request: ErasureRequest) -> dict[str, Any]:
        events = list(erasure_request.events.all())
        holds = list(
            LegalHold.objects.filter(subject_id=erasure_request.subject_id)
            .select_related("order")
            .order_by(F("lifted_at").desc(nulls_first=True), "review_on", "id")
        )
        roles = staff_role_labels(
            [staff_id_of(event.actor_label) or event.actor_id or 0 for event in events]
            + [hold.placed_by_id or 0 for hold in holds]
        )
        may_lift = may(request.user, ErasurePermission.LIFT_HOLD)
        context: dict[str, Any] = {
            "history": [
                {
                    "at": event.at,
                    "step": event.get_step_display(),
                    "actor": actor_text(event.actor_label, roles, actor_id=event.actor_id),
                    "detail": event_detail(event.step, event.detail),
                }
                for event in events
            ],
            "holds": [
                {
                    "hold": hold,
                    "text": hold_reason(hold, for_customer=False),
                    "placed_by": roles.get(hold.placed_by_id or 0, gettext("Sistemi")),
                    "lift_url": _lift_url(hold, erasure_request)
                    if may_lift and hold.is_active
                    else "",
                }
                for hold in holds
            ],
            "report": report_lines(erasure_request.report, language="sq")
            if erasure_request.report
            else [],
            "erasure_urls": self._allowed_urls(request, erasure_request),
        }
        if erasure_request.is_open:
            context.update(self._plan_context(erasure_request))
        return context

    def _allowed_urls(
        self, request: HttpRequest, erasure_request: ErasureRequest
    ) -> dict[str, str]:
        """Return the buttons this staff member may press on this request now."""
        handle = may(request.user, ErasurePermission.HANDLE)
        allowed = {
            "execute": handle and erasure_request.state == ErasureState.VERIFIED,
            "extend": handle and erasure_request.may_be_extended,
            "hold": may(request.user, ErasurePermission.PLACE_HOLD)
            and erasure_request.state not in CLOSED_STATES,
        }
        return {name: self._url(name, erasure_request) for name, ok in allowed.items() if ok}

    @staticmethod
    def _plan_context(erasure_request: ErasureRequest) -> dict[str, Any]:
        return {
            "plan": [
                {"label": line.label, "outcome": PLAN_LABELS[line.outcome], "reason": line.reason}
                for line in erasure_plan(user=erasure_request.subject)
            ],
            "holds_expected": holds_expected(user=erasure_request.subject),
        }

    # The buttons' pages.

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        def route(suffix: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
            return path(
                f"<int:object_id>/{suffix}",
                self.admin_site.admin_view(view),
                name=f"rights_erasurerequest_{name}",
            )

        return refuse_outsiders(
            [
                path(
                    "regjistro/",
                    self.admin_site.admin_view(partial(register_view, self)),
                    name="rights_erasurerequest_register",
                ),
                route("zbato/", self.execute_view, "execute"),
                route("zgjat/", self.extend_view, "extend"),
                route("bllokim/", self.hold_view, "hold"),
                *super().get_urls(),  # type: ignore[list-item]
            ]
        )

    def _url(self, name: str, erasure_request: ErasureRequest) -> str:
        return reverse(
            f"{self.admin_site.name}:rights_erasurerequest_{name}",
            args=[erasure_request.pk],
            current_app=self.admin_site.name,
        )

    def _permitted(
        self, request: HttpRequest, object_id: int, permission: ErasurePermission
    ) -> ErasureRequest:
        """Return the request if this staff member may see it and has `permission`; else 403."""
        if not (self.has_view_permission(request) and may(request.user, permission)):
            raise PermissionDenied
        erasure_request = self.get_object(request, str(object_id))
        if erasure_request is None:
            raise Http404
        return erasure_request

    def _page(
        self, request: HttpRequest, template: str, erasure_request: ErasureRequest, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"{TEMPLATES}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "erasure_request": erasure_request,
                "account": self.account(erasure_request),
                "change_url": self._url("change", erasure_request),
                **context,
            },
        )

    def _back(self, erasure_request: ErasureRequest) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url("change", erasure_request))

    def execute_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Say what erasure will do (GET); erase the person's data now (POST)."""
        erasure_request = self._permitted(request, object_id, ErasurePermission.HANDLE)
        if request.method == "POST":
            try:
                done = erasure_request_execute(request=erasure_request, actor=_staff(request))
            except ErasureRequestError as error:
                messages.error(request, error_text(error))
                return self._back(erasure_request)
            if done.state == ErasureState.HELD:
                messages.warning(
                    request,
                    gettext(
                        "Të dhënat u fshinë ose u anonimizuan, përveç atyre nën bllokim ligjor: "
                        "ato fshihen kur të hiqet bllokimi. Klientit iu dërgua raporti."
                    ),
                )
            else:
                messages.success(
                    request,
                    gettext(
                        "Të dhënat u fshinë ose u anonimizuan. Klientit iu dërgua raporti se "
                        "çfarë u fshi dhe çfarë u mbajt."
                    ),
                )
            return self._back(erasure_request)
        return self._page(
            request,
            "execute_confirm.html",
            erasure_request,
            title=gettext("Zbato fshirjen"),
            executable=erasure_request.state == ErasureState.VERIFIED,
            **self._plan_context(erasure_request),
        )

    def extend_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask for the reason (GET); extend the due date once and mail the customer (POST)."""
        erasure_request = self._permitted(request, object_id, ErasurePermission.HANDLE)
        form = ErasureExtendForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                extended = erasure_request_extend(
                    request=erasure_request,
                    reason=form.cleaned_data["reason"],
                    actor=_staff(request),
                )
            except ErasureRequestError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(
                    request,
                    gettext("Afati u zgjat deri më %(date)s. Klientit iu dërgua arsyeja me email.")
                    % {"date": day_text(extended.due_at)},
                )
                return self._back(erasure_request)
        return self._page(
            request,
            "extend.html",
            erasure_request,
            title=gettext("Zgjat afatin"),
            form=form,
            extendable=erasure_request.may_be_extended,
            new_due_on=day_text(
                add_months(erasure_request.due_at, settings.ERASURE_EXTENSION_MONTHS)
            ),
        )

    def hold_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask what to hold and why (GET); place the legal hold (POST)."""
        erasure_request = self._permitted(request, object_id, ErasurePermission.PLACE_HOLD)
        subject = erasure_request.subject
        form = LegalHoldForm(request.POST if request.method == "POST" else None, subject=subject)
        if request.method == "POST" and form.is_valid():
            try:
                hold = legal_hold_place(
                    subject=subject,
                    kind=form.chosen_kind,
                    reason=form.cleaned_data["reason"],
                    review_on=form.cleaned_data["review_on"],
                    actor=_staff(request),
                    order=form.order,
                    support_case=form.support_case,
                    legal_request=form.cleaned_data["legal_request"],
                )
            except ErasureRequestError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(
                    request,
                    gettext("Bllokimi ligjor u vendos: %(reason)s.")
                    % {"reason": hold_reason(hold, for_customer=False)},
                )
                return self._back(erasure_request)
        return self._page(
            request, "hold.html", erasure_request, title=gettext("Vendos bllokim ligjor"), form=form
        )


def _lift_url(hold: LegalHold, erasure_request: ErasureRequest) -> str:
    url = reverse("admin:rights_legalhold_lift", args=[hold.pk])
    return f"{url}?{REQUEST_PARAMETER}={erasure_request.pk}"
