"""The one base every back-office page that shows customers' personal data builds on (P5).

Lists and searches always show personal fields masked. A detail page shows a field in
full only when `staff.access` finds a live purpose whose role-matrix cell allows the
field's category; the page records the reveal in the access record. Without one it
shows masks, why, and, for roles that may, a break-glass form. Personal fields are
never edited here: customers correct their own data. There is no bulk export, and
the bulk delete action is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import ReasonField
from privacy.audit import client_address
from privacy.masking import masked
from privacy.models import AccessBasis
from privacy.registry import PersonalField, qualified, registry
from staff.access import (
    REASON_MIN_LETTERS,
    WHOLE_CUSTOMER,
    AccessDecision,
    Scope,
    access_decision,
    break_glass_open,
    own_purpose_open,
    reveal_record,
)

MASKED_PREFIX = "masked__"

# How the storefront writes a moment (the account's orders, its access record), so the
# back office reads the same: 27.11.2026 11:00.
SITE_DATETIME_FORMAT = "d.m.Y H:i"


def datetime_shown(value: datetime | None) -> str:
    """Return a moment in local time as the site shows it, or a dash when there is none."""
    if value is None:
        return "—"
    return dateformat.format(timezone.localtime(value), SITE_DATETIME_FORMAT)


class BreakGlassForm(forms.Form):
    reason = ReasonField(
        label=_("Arsyeja"),
        min_letters=REASON_MIN_LETTERS,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pse ju duhen të dhënat e plota të këtij klienti tani, pa porosi ose rast në "
            "ngarkim? Arsyeja regjistrohet dhe i dërgohet zyrtarit të mbrojtjes së të dhënave."
        ),
    )

    def __init__(self, *args: Any, decision: AccessDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class OwnPurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Qëllimi"))
    reason = ReasonField(
        label=_("Arsyeja"),
        min_letters=REASON_MIN_LETTERS,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Këtë porosi ose rast e keni hapur ose marrë në ngarkim vetë. Shkruani pse ju "
            "duhen të dhënat e klientit: arsyeja regjistrohet, klienti e sheh te llogaria e "
            "vet dhe zyrtari i mbrojtjes së të dhënave e merr në përmbledhjen e përditshme."
        ),
    )

    def __init__(self, *args: Any, decision: AccessDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            AccessBasis.ORDER: _("Porosia %(reference)s"),
            AccessBasis.SUPPORT_CASE: _("Rasti i mbështetjes %(reference)s"),
        }
        self.fields["purpose"].choices = [  # type: ignore[attr-defined]
            (
                f"{purpose.basis.value}:{purpose.reference}",
                labels.get(purpose.basis, "%(reference)s") % {"reference": purpose.reference},
            )
            for purpose in decision.own_purposes
        ]

    def chosen(self) -> tuple[AccessBasis, str]:
        basis, _sep, reference = self.cleaned_data["purpose"].partition(":")
        return AccessBasis(basis), reference


def object_id_path(model: type[models.Model], suffix: str) -> str:
    """Return an admin URL pattern whose object id is typed like the model's key.

    A junk id then answers 404 from the URL resolver instead of reaching a query.
    """
    key = model._meta.pk
    if isinstance(key, models.UUIDField):
        converter = "uuid"
    elif isinstance(key, models.AutoField | models.BigAutoField | models.IntegerField):
        converter = "int"
    else:
        converter = "str"
    return f"<{converter}:object_id>/{suffix}"


def _masked_reader(name: str, entry: PersonalField, label: Any) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        if obj is None:
            return ""
        # A choice reads by its label: a municipality by its name, not its slug.
        display = getattr(obj, f"get_{name}_display", None)
        return masked(display() if callable(display) else getattr(obj, name, ""), entry.mask)

    read.short_description = label  # type: ignore[attr-defined]
    return read


class ReadOnlyAdmin:
    """For records nobody edits from the back office: what happened stays as it happened."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonalDataMasking:
    """What a model admin and an inline share: masked columns and per-request decisions."""

    model: type[models.Model]

    @property
    def personal_fields(self) -> dict[str, PersonalField]:
        return registry.fields_of(self.model)

    def __getattr__(self, name: str) -> Any:
        if name.startswith(MASKED_PREFIX):
            field_name = name.removeprefix(MASKED_PREFIX)
            entry = self.personal_fields.get(field_name)
            if entry is not None:
                label = getattr(self.model._meta.get_field(field_name), "verbose_name", "")
                return _masked_reader(field_name, entry, label)
        raise AttributeError(name)

    def purpose_scope(self, obj: Any) -> Scope:
        """Return what the page of `obj` is about; the whole customer unless overridden."""
        return WHOLE_CUSTOMER

    def decision_for(self, request: HttpRequest, subject_of: Any) -> AccessDecision | None:
        """Return this request's decision about the person `subject_of` is about (cached)."""
        declaration = registry.of(type(subject_of))
        subject_id = declaration.subject_id_of(subject_of) if declaration else None
        if subject_id is None:
            return None
        scope = self.purpose_scope(subject_of)
        cache: dict[tuple[int, Scope], AccessDecision] = request.__dict__.setdefault(
            "_personal_data", {}
        )
        if (subject_id, scope) not in cache:
            cache[(subject_id, scope)] = access_decision(
                request.user, subject_id, session=getattr(request, "session", None), scope=scope
            )
        return cache[(subject_id, scope)]

    def revealed(self, request: HttpRequest, subject_of: Any) -> set[str]:
        decision = self.decision_for(request, subject_of)
        return {
            name
            for name, entry in self.personal_fields.items()
            if decision is not None and decision.reveals(entry.category)
        }

    def mask_names(self, names: Sequence[Any], shown: set[str]) -> list[Any]:
        return [
            f"{MASKED_PREFIX}{name}"
            if isinstance(name, str) and name in self.personal_fields and name not in shown
            else name
            for name in names
        ]


class CustomerPageInline(admin.TabularInline):  # type: ignore[type-arg]
    """A read-only list, on the customer page, of records that are the customer's own.

    It lists no personal field (a number, a date, a status, an amount), so whatever the
    page masks stays masked and nothing is revealed or recorded; and it shows only to
    staff holding `view_permission`. Apps register theirs with `customer_page_inline_add`.
    """

    extra = 0
    can_delete = False
    # A record's page on the site is the customer's own: staff have nothing to see there.
    view_on_site = False
    view_permission: str = ""

    def record_url(self, obj: models.Model) -> str:
        """Return the admin page of one listed record."""
        info = self.opts.app_label, self.opts.model_name
        return reverse("admin:{}_{}_change".format(*info), args=[obj.pk])

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.view_permission) and request.user.has_perm(self.view_permission)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_customer_page_inlines: list[type[CustomerPageInline]] = []


def customer_page_inline_add(inline: type[CustomerPageInline]) -> type[CustomerPageInline]:
    """Show `inline` on the customer page of the back office (usable as a decorator).

    The app that owns the records registers them from its admin.py, so staff never
    imports it.
    """
    if inline not in _customer_page_inlines:
        _customer_page_inlines.append(inline)
    return inline


def customer_page_inlines() -> list[type[CustomerPageInline]]:
    """Return the lists other apps registered for the customer page, in import order.

    A list naming a personal field is refused here rather than when registered: admin
    modules load before the personal-data declarations do.
    """
    for inline in _customer_page_inlines:
        personal = set(registry.fields_of(inline.model)) & set(inline.fields or ())
        if personal:
            raise ImproperlyConfigured(
                f"{inline.__name__} lists personal fields on the customer page: {sorted(personal)}"
            )
    return list(_customer_page_inlines)


class PersonalDataInline(PersonalDataMasking, admin.TabularInline):  # type: ignore[type-arg]
    """An inline of rows about the parent's person: masked unless the parent is revealed."""

    extra = 0
    can_delete = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        fields = super().get_fields(request, obj)
        shown = self.revealed(request, obj) if obj is not None else set()
        return self.mask_names(fields, shown)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        return list(self.get_fields(request, obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
        reveal_record(
            staff=request.user,
            decision=decision,
            fields=shown,
            ip_address=client_address(request),
        )
        info = self.model._meta.app_label, self.model._meta.model_name
        return {
            "personal_data": decision,
            "personal_data_shown": bool(shown),
            "break_glass_url": reverse(f"admin:{info[0]}_{info[1]}_break_glass", args=[obj.pk]),
            "own_purpose_url": reverse(f"admin:{info[0]}_{info[1]}_own_purpose", args=[obj.pk]),
        }

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
        from django.conf import settings

        return int(settings.FEJZO_BREAK_GLASS_MINUTES)
