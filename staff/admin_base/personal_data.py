"""The model admin for pages that show a customer's personal data (P5)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.audit import client_address
from privacy.registry import qualified, registry
from staff.access import (
    AccessDecision,
    break_glass_open,
    own_purpose_open,
    reveal_record,
)
from staff.admin_base.display import object_id_path
from staff.admin_base.forms import BreakGlassForm, OwnPurposeForm
from staff.admin_base.masking import MASKED_PREFIX, PersonalDataInline, PersonalDataMasking


@dataclass(frozen=True)
class PersonalValue:
    name: str
    label: Any
    value: Any
    masked: bool


@dataclass(frozen=True)
class PrintedPersonalData:
    """A record's personal fields as one staff member may see them, and the decision why."""

    decision: AccessDecision | None
    values: list[PersonalValue]

    @property
    def any_masked(self) -> bool:
        return any(value.masked for value in self.values)


class PersonalDataAdmin(PersonalDataMasking, admin.ModelAdmin):  # type: ignore[type-arg]
    list_per_page = 50
    show_full_result_count = False
    change_form_template = "admin/personal_data_change_form.html"
    search_help_text = _(
        "Kërkoni me numrin e porosisë, ose me email-in ose numrin e plotë të telefonit "
        "të klientit. Rezultatet shfaqen të maskuara."
    )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # Lists and searches: always masked.

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:  # type: ignore[override]
        return self.mask_names(super().get_list_display(request), shown=set())

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet[Any], search_term: str
    ) -> tuple[models.QuerySet[Any], bool]:
        """Find customers by exact email or phone through their blind indexes."""
        term = search_term.strip()
        declaration = registry.of(self.model)
        people = None
        if "@" in term:
            people = User.objects.with_email(term)
        elif term and sum(char.isdigit() for char in term) >= 6:
            people = User.objects.with_phone(term)
        if people is not None and declaration and declaration.subject_path is not None:
            lookup = f"{declaration.subject_path}__in" if declaration.subject_path else "pk__in"
            matches = queryset.filter(**{lookup: people.values("pk")})
            if matches.exists() or not self.search_fields:
                return matches, False
        return super().get_search_results(request, queryset, search_term)

    # Detail pages: revealed with a purpose, recorded; masked otherwise.

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        shown = self.revealed(request, obj)
        return [
            (title, {**options, "fields": self.mask_names(options["fields"], shown)})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        on_page = flatten_fieldsets(self.get_fieldsets(request, obj))
        personal = [
            name
            for name in on_page
            if isinstance(name, str)
            and (name.startswith(MASKED_PREFIX) or name in self.personal_fields)
        ]
        return readonly + [name for name in personal if name not in readonly]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            context.update(self._record_and_describe(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _record_and_describe(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        decision = self.decision_for(request, obj)
        if decision is None:
            return {}
        on_page = {
            name
            for name in flatten_fieldsets(self.get_fieldsets(request, obj))
            if isinstance(name, str)
        }
        shown = [qualified(self.model, name) for name in self.revealed(request, obj) & on_page]
        for inline in self.get_inline_instances(request, obj):
            if isinstance(inline, PersonalDataInline):
                inline_fields = set(inline.get_fields(request, obj))
                shown += [
                    qualified(inline.model, name)
                    for name in inline.revealed(request, obj) & inline_fields
                ]
        # Every page that shows the values is a reveal, a form shown again after a
        # failed POST included.
        self._reveal_record(request, decision, shown)
        info = self.model._meta.app_label, self.model._meta.model_name
        return {
            "personal_data": decision,
            "personal_data_shown": bool(shown),
            "break_glass_url": reverse(f"admin:{info[0]}_{info[1]}_break_glass", args=[obj.pk]),
            "own_purpose_url": reverse(f"admin:{info[0]}_{info[1]}_own_purpose", args=[obj.pk]),
        }

    def _reveal_record(
        self, request: HttpRequest, decision: AccessDecision, fields: list[str]
    ) -> None:
        reveal_record(
            staff=request.user,
            decision=decision,
            fields=fields,
            ip_address=client_address(request),
        )

    def personal_data_printed(self, request: HttpRequest, obj: Any) -> PrintedPersonalData:
        """Return every personal field of `obj` as its page would show it, and record the reveal.

        For a page other than the change form (a packing slip): the fields come from the
        model's declaration, masked through the same readers and decision as the change
        form, and whatever is shown in full is recorded the same way.
        """
        decision = self.decision_for(request, obj)
        shown = self.revealed(request, obj) if decision is not None else set()
        values = []
        for name in self.personal_fields:
            label = getattr(self.model._meta.get_field(name), "verbose_name", name)
            if name in shown:
                display = getattr(obj, f"get_{name}_display", None)
                value = display() if callable(display) else getattr(obj, name, "")
            else:
                value = getattr(self, f"{MASKED_PREFIX}{name}")(obj)
            values.append(
                PersonalValue(name=name, label=label, value=value, masked=name not in shown)
            )
        if decision is not None:
            self._reveal_record(request, decision, [qualified(self.model, name) for name in shown])
        return PrintedPersonalData(decision=decision, values=values)

    def get_urls(self) -> list[Any]:
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                object_id_path(self.model, "zbulo/"),
                self.admin_site.admin_view(self.break_glass_view),
                name="{}_{}_break_glass".format(*info),
            ),
            path(
                object_id_path(self.model, "qellimi/"),
                self.admin_site.admin_view(self.own_purpose_view),
                name="{}_{}_own_purpose".format(*info),
            ),
            *super().get_urls(),
        ]

    def _reason_page(
        self,
        request: HttpRequest,
        object_id: Any,
        *,
        allowed: Callable[[AccessDecision], bool],
        form_class: Callable[..., forms.Form],
        open_data: Callable[[AccessDecision, Any, forms.Form], Any],
        done: Any,
        title: Any,
        template: str,
    ) -> HttpResponse:
        """Serve a page that opens a customer's data on a typed reason, once `allowed`."""
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        decision = self.decision_for(request, obj)
        if decision is None or not allowed(decision):
            raise PermissionDenied
        info = self.model._meta.app_label, self.model._meta.model_name
        change_url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        form = form_class(request.POST or None, decision=decision)
        if request.method == "POST" and form.is_valid():
            try:
                open_data(decision, obj, form)
            except PermissionDenied as refused:
                form.add_error("reason", str(refused))
            else:
                messages.warning(request, done)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "object": obj,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, template, context)

    def break_glass_view(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        """Ask for a typed reason, then open this customer's data for a short while."""

        def open_data(decision: AccessDecision, obj: Any, form: forms.Form) -> None:
            break_glass_open(
                staff=request.user,
                subject_id=decision.subject_id,
                reason=form.cleaned_data["reason"],
                session=request.session,
                ip_address=client_address(request),
            )

        return self._reason_page(
            request,
            object_id,
            allowed=lambda decision: decision.may_break_glass,
            form_class=BreakGlassForm,
            open_data=open_data,
            done=_(
                "Të dhënat janë të hapura për %(minutes)s minuta. Hapja u regjistrua "
                "dhe zyrtari i mbrojtjes së të dhënave u njoftua."
            )
            % {"minutes": self._break_glass_minutes()},
            title=_("Hapje e jashtëzakonshme e të dhënave"),
            template="admin/privacy/break_glass.html",
        )

    def own_purpose_view(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        """Ask for a typed reason to open data through a purpose one made for oneself."""

        def open_data(decision: AccessDecision, obj: Any, form: forms.Form) -> None:
            basis, reference = form.chosen()  # type: ignore[attr-defined]
            own_purpose_open(
                staff=request.user,
                subject_id=decision.subject_id,
                basis=basis,
                reference=reference,
                reason=form.cleaned_data["reason"],
                session=request.session,
                ip_address=client_address(request),
                scope=self.purpose_scope(obj),
            )

        return self._reason_page(
            request,
            object_id,
            allowed=lambda decision: bool(decision.own_purposes),
            form_class=OwnPurposeForm,
            open_data=open_data,
            done=_(
                "Të dhënat janë të hapura për këtë qëllim. Arsyeja u regjistrua; klienti "
                "e sheh dhe zyrtari i mbrojtjes së të dhënave e merr në përmbledhje."
            ),
            title=_("Qëllim i krijuar nga ju"),
            template="admin/privacy/own_purpose.html",
        )

    @staticmethod
    def _break_glass_minutes() -> int:
        return int(settings.FEJZO_BREAK_GLASS_MINUTES)
