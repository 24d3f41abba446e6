"""The breach register's back office (P14): the officer's alone.

The list and the page show account numbers, never people's data: the officer opens an
account from the customers' pages, where the usual purpose-bound rules and the access
record apply. Every change goes through `breaches.services`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from breaches.clock import ClockState, breach_clock, clock_now
from breaches.forms import (
    AddBreachForm,
    BreachForm,
    PersonForm,
    RevealedPeopleForm,
    ValuePeopleForm,
)
from breaches.models import IDP_DEADLINE, Breach, BreachStatus, PersonSource
from breaches.permissions import BreachPermission
from breaches.selectors import breaches_for, breaches_open, may_handle, people_of, registry_fields
from breaches.services import (
    BreachDetails,
    breach_details_change,
    breach_idp_notified,
    breach_notices_request,
    breach_people_from_access_record,
    breach_people_from_values,
    breach_person_add,
    breach_person_remove,
    breach_register,
    breach_status_change,
    breach_texts_set,
)
from privacy.registry import Category
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    Table,
    TableRow,
    dashboard_panel_add,
    datetime_shown,
)

TEMPLATES = "admin/breaches/breach"


def _details(data: dict[str, Any]) -> BreachDetails:
    return BreachDetails(
        incident=data["incident"],
        discovered_at=data["discovered_at"],
        categories=data["categories"],
        occurred_from=data.get("occurred_from"),
        occurred_to=data.get("occurred_to"),
        field_names=data.get("field_names") or [],
    )


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@admin.register(Breach)
class BreachAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "discovered", "status", "clock_text", "people_count", "drill"]
    list_display_links = ["number"]
    list_filter = ["status", "drill"]
    show_facets = admin.ShowFacets.NEVER
    actions = None
    change_form_template = f"{TEMPLATES}/change_form.html"

    # Only the officer: every other role, and a superuser without the officer's role.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_handle(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_handle(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_handle(request.user) and request.user.has_perm(BreachPermission.ADD)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_open:
            return False
        return may_handle(request.user) and request.user.has_perm(BreachPermission.CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The register keeps every breach, drills included.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Breach]:
        return breaches_for(request.user).annotate(people_total=Count("people"))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = BreachForm if obj is not None else AddBreachForm
        kwargs["fields"] = list(kwargs["form"].Meta.fields)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        form = BreachForm if obj is not None else AddBreachForm
        return [(None, {"fields": list(form.Meta.fields)})]

    @admin.display(description=_("Nr."), ordering="id")
    def number(self, breach: Breach) -> str:
        return f"#{breach.pk}"

    @admin.display(description=_("Zbuluar më"), ordering="discovered_at")
    def discovered(self, breach: Breach) -> str:
        return datetime_shown(breach.discovered_at)

    @admin.display(description=_("Afati i IDP-së"))
    def clock_text(self, breach: Breach) -> str:
        return breach_clock(breach, now=clock_now()).text

    @admin.display(description=_("Persona"))
    def people_count(self, breach: Breach) -> int:
        return int(getattr(breach, "people_total", 0))

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            saved = breach_register(details=_details(data), actor=request.user)
            obj.pk = saved.pk
            obj._state.adding = False
            return
        breach = Breach.objects.select_for_update().get(pk=obj.pk)
        breach_details_change(breach=breach, details=_details(data), actor=request.user)
        breach_texts_set(
            breach=breach,
            notice_text_sq=data.get("notice_text_sq", ""),
            notice_text_en=data.get("notice_text_en", ""),
            lessons_learned=data.get("lessons_learned", ""),
            actor=request.user,
        )
        notified = data.get("idp_notified_at")
        if notified is not None and (
            notified != breach.idp_notified_at or data["idp_reference"] != breach.idp_reference
        ):
            breach_idp_notified(
                breach=breach, at=notified, reference=data["idp_reference"], actor=request.user
            )
        if data["status"] != breach.status:
            breach_status_change(
                breach=breach, status=BreachStatus(data["status"]), actor=request.user
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        breach = self._breach(request, object_id)
        context = {**(extra_context or {}), **self._page_context(request, breach)}
        return super().change_view(request, object_id, form_url, context)

    def _page_context(self, request: HttpRequest, breach: Breach) -> dict[str, Any]:
        people = list(people_of(breach))
        labels = {field.name: field.label for field in registry_fields()}
        return {
            "breach": breach,
            "clock": breach_clock(breach, now=clock_now()),
            "clock_states": ClockState,
            "categories": [Category(value).label for value in breach.categories],
            "field_labels": [labels.get(name, name) for name in breach.field_names],
            "people": people,
            "people_waiting": sum(1 for person in people if person.notice_requested_at is None),
            "people_notified": sum(1 for person in people if person.notified_at is not None),
            "revealed_form": RevealedPeopleForm(
                initial={
                    "field_names": breach.field_names,
                    "start": _local(breach.occurred_from),
                    "end": _local(breach.occurred_to),
                }
            ),
            "values_form": ValuePeopleForm(initial={"field_names": breach.field_names}),
            "person_form": PersonForm(),
            "sources": PersonSource,
            "may_change": self.has_change_permission(request, breach),
        }

    def _breach(self, request: HttpRequest, object_id: Any) -> Breach:
        if not may_handle(request.user):
            raise PermissionDenied
        breach = breaches_for(request.user).filter(pk=object_id).first()
        if breach is None:
            raise Http404
        return breach

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/personat/regjistri/",
                view(self.revealed_view),
                name="breaches_breach_revealed",
            ),
            path(
                "<int:object_id>/personat/vlerat/",
                view(self.values_view),
                name="breaches_breach_values",
            ),
            path(
                "<int:object_id>/personat/shto/",
                view(self.person_add_view),
                name="breaches_breach_person_add",
            ),
            path(
                "<int:object_id>/personat/<int:subject_id>/hiq/",
                view(self.person_remove_view),
                name="breaches_breach_person_remove",
            ),
            path(
                "<int:object_id>/njoftimet/",
                view(self.notices_view),
                name="breaches_breach_notices",
            ),
            *super().get_urls(),  # type: ignore[list-item]
        ]

    def _post_breach(self, request: HttpRequest, object_id: int) -> Breach:
        """Return the breach a form posts to; refuse anyone but the officer, and GETs."""
        breach = self._breach(request, object_id)
        if request.method != "POST" or not self.has_change_permission(request, breach):
            raise PermissionDenied
        return breach

    def _back(self, breach: Breach) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:breaches_breach_change", args=[breach.pk]) + "#personat"
        )

    def _form_errors(self, request: HttpRequest, form: Form) -> None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))

    def _added(self, request: HttpRequest, count: int) -> None:
        if count:
            messages.success(
                request,
                ngettext("U shtua %(n)d person.", "U shtuan %(n)d persona.", count) % {"n": count},
            )
        else:
            messages.info(request, gettext("Nuk u gjet asnjë person i ri."))

    def revealed_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Add everyone whose chosen fields one account saw in a period (the access record)."""
        breach = self._post_breach(request, object_id)
        form = RevealedPeopleForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(breach)
        try:
            count = breach_people_from_access_record(
                breach=breach,
                staff_account_id=form.cleaned_data["staff_account"],
                fields=form.cleaned_data["field_names"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self._back(breach)
        self._added(request, count)
        return self._back(breach)

    def values_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Add everyone with a value in the chosen fields (a leaked table)."""
        breach = self._post_breach(request, object_id)
        form = ValuePeopleForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(breach)
        try:
            count = breach_people_from_values(
                breach=breach, fields=form.cleaned_data["field_names"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self._back(breach)
        self._added(request, count)
        return self._back(breach)

    def person_add_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        breach = self._post_breach(request, object_id)
        form = PersonForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(breach)
        try:
            count = breach_person_add(
                breach=breach, subject_id=form.cleaned_data["account"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self._back(breach)
        self._added(request, count)
        return self._back(breach)

    def person_remove_view(
        self, request: HttpRequest, object_id: int, subject_id: int
    ) -> HttpResponse:
        breach = self._post_breach(request, object_id)
        try:
            breach_person_remove(breach=breach, subject_id=subject_id, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self._back(breach)
        messages.success(
            request, gettext("Llogaria #%(number)s u hoq nga lista.") % {"number": subject_id}
        )
        return self._back(breach)

    def notices_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Send the officer's notice to everyone on the list not yet sent one."""
        breach = self._post_breach(request, object_id)
        try:
            count = breach_notices_request(breach=breach, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self._back(breach)
        messages.success(
            request,
            ngettext(
                "Njoftimi po i dërgohet %(n)d personi.",
                "Njoftimi po u dërgohet %(n)d personave.",
                count,
            )
            % {"n": count},
        )
        return self._back(breach)


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment is not None else None


BREACHES_LISTED = 8


def _breaches_open_parts(request: HttpRequest) -> list[Figures | Table]:
    if not may_handle(request.user):
        return []
    now = clock_now()
    listed = list(breaches_open()[:BREACHES_LISTED])
    clocks = [(breach, breach_clock(breach, now=now)) for breach in listed]
    waiting = Q(idp_notified_at__isnull=True)
    counts = Breach.objects.exclude(status=BreachStatus.CLOSED).aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=waiting),
        late=Count("pk", filter=waiting & Q(discovered_at__lt=now - IDP_DEADLINE)),
    )
    late = counts["late"]
    rows = [
        TableRow(
            cells=[
                f"#{breach.pk}" + (f" ({gettext('ushtrim')})" if breach.drill else ""),
                datetime_shown(breach.discovered_at),
                clock.text,
                str(getattr(breach, "people_count", 0)),
            ],
            url=reverse("admin:breaches_breach_change", args=[breach.pk]),
            urgent=clock.urgent,
        )
        for breach, clock in clocks
    ]
    return [
        Figures(
            items=[
                Figure(
                    label=_("Cenime të hapura"),
                    value=str(counts["total"]),
                    url=reverse("admin:breaches_breach_changelist"),
                ),
                Figure(label=_("Pa njoftuar IDP-në"), value=str(counts["waiting"])),
                Figure(label=_("Me afat të kaluar"), value=str(late), urgent=bool(late)),
            ]
        ),
        Table(
            caption=_("Cenimet e hapura dhe afati 72-orësh"),
            headers=[_("Cenimi"), _("Zbuluar më"), _("Afati i IDP-së"), _("Persona")],
            rows=rows,
            empty=_("Asnjë cenim i hapur."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="breaches-open",
        title=_("Cenimet e sigurisë"),
        permission=BreachPermission.VIEW,
        parts=_breaches_open_parts,
        position=31,
        more_url=lambda: reverse("admin:breaches_breach_changelist"),
        more_label=_("Regjistri i cenimeve"),
    )
)
