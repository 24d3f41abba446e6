from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import letter_count
from privacy.audit import client_address
from staff.access import Scope
from staff.admin_base import (
    CustomerPageInline,
    DashboardPanel,
    Figure,
    Figures,
    PersonalDataAdmin,
    PersonalDataInline,
    Table,
    TableRow,
    customer_page_inline_add,
    dashboard_panel_add,
    datetime_shown,
    object_id_path,
)
from support.forms import MessageForm
from support.models import CaseExpert, CaseHandover, CaseMessage, CaseStatus, SupportCase
from support.permissions import SupportPermission
from support.selectors import case_queue_figures, cases_open_oldest, expert_invitations_open
from support.services import (
    EXPERT_REASON_MIN_LETTERS,
    MESSAGE_MIN_LETTERS,
    CaseRefused,
    case_expert_invite,
    case_expert_leave,
    case_reply,
    case_save,
    case_text_read,
)

# The parts of a case's page only its owner gets, while the case is open.
OWNER_FIELDS = ["reply", "invite_expert", "invite_reason"]


class CaseMessageInline(PersonalDataInline):
    """The thread: shown in full to who handles the case, the reveal recorded; masked otherwise."""

    model = CaseMessage
    fields = ["created_at", "author_kind", "body"]
    verbose_name = _("mesazh")
    verbose_name_plural = _("Biseda me klientin")

    def purpose_scope(self, obj: Any) -> Scope:
        return Scope.of(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the case's page: seen by whoever may see the case.
        return bool(request.user.has_perm(SupportPermission.VIEW_SUPPORT_CASE))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseExpertInline(admin.TabularInline):  # type: ignore[type-arg]
    """Who the owner asked in, why, and until when: nothing the customer said."""

    model = CaseExpert
    fk_name = "case"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("expert", "reason", "invited_by", "invited_at", "left_at")
    verbose_name_plural = _("Ekspertët e ftuar")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the case's page: seen by whoever may see the case.
        return bool(request.user.has_perm(SupportPermission.VIEW_SUPPORT_CASE))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseHandoverInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseHandover
    fk_name = "case"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("from_owner", "to_owner", "by", "experts_ended", "at")
    verbose_name_plural = _("Kalimet e rastit")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the case's page: seen by whoever may see the case.
        return bool(request.user.has_perm(SupportPermission.VIEW_SUPPORT_CASE))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupportCaseForm(forms.ModelForm):  # type: ignore[type-arg]
    """The case's form, with the owner's reply and invitation, checked before anything is saved."""

    reply = forms.CharField(
        label=_("Përgjigjja për klientin"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Klienti e lexon në llogarinë e vet dhe njoftohet me email."),
    )
    invite_expert = forms.ModelChoiceField(
        label=_("Ftoni një ekspert"),
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("email"),
        required=False,
    )
    invite_reason = forms.CharField(
        label=_("Pse duhet eksperti"),
        required=False,
        max_length=200,
        help_text=_(
            "Pa të dhëna të klientit: eksperti e sheh rastin deri sa të dalë ose të mbyllet."
        ),
    )

    class Meta:
        model = SupportCase
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expert_field = self.fields["invite_expert"]
        assert isinstance(expert_field, forms.ModelChoiceField)
        # Colleagues by name and work address, so the owner knows whom they ask in.
        expert_field.label_from_instance = (  # type: ignore[method-assign]
            lambda obj: f"{obj.get_full_name()} <{obj.email}>"
        )  # type: ignore[assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reply = data.get("reply") or ""
        if reply.strip() and letter_count(reply) < MESSAGE_MIN_LETTERS:
            self.add_error("reply", _("Shkruani përgjigjen."))
        expert, reason = data.get("invite_expert"), data.get("invite_reason") or ""
        if expert is not None and letter_count(reason) < EXPERT_REASON_MIN_LETTERS:
            self.add_error(
                "invite_reason",
                _("Shkruani pse duhet eksperti, të paktën %(count)d shkronja.")
                % {"count": EXPERT_REASON_MIN_LETTERS},
            )
        if reason.strip() and expert is None:
            self.add_error("invite_expert", _("Zgjidhni kë ftoni."))
        if expert is not None and self.instance.pk and expert.pk == self.instance.assigned_to_id:
            self.add_error("invite_expert", _("Ftoni një koleg tjetër të stafit."))
        return data


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
    form = SupportCaseForm
    inlines = [CaseMessageInline, CaseExpertInline, CaseHandoverInline]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # A case being opened has no thread yet: staff log what was said in its fields.
        return self.inlines if obj is not None else []

    def _owns_open(self, request: HttpRequest, obj: SupportCase | None) -> bool:
        return (
            obj is not None
            and obj.status == CaseStatus.OPEN
            and obj.assigned_to_id == getattr(request.user, "pk", None)
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        # The form's own fields are not the model's: only the open case's owner gets them.
        fields = [name for name in fields if name not in OWNER_FIELDS]
        return [*fields, *OWNER_FIELDS] if self._owns_open(request, obj) else fields

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
        changed = [name for name in form.changed_data if name not in OWNER_FIELDS]
        case_save(case=obj, changed=changed, actor=request.user)
        data = form.cleaned_data
        try:
            if (data.get("reply") or "").strip():
                case_reply(case=obj, body=data["reply"], actor=request.user)
                messages.success(request, _("Përgjigjja iu dërgua klientit."))
            if data.get("invite_expert") is not None:
                case_expert_invite(
                    case=obj,
                    expert=data["invite_expert"],
                    reason=data["invite_reason"],
                    actor=request.user,
                )
        except CaseRefused:
            messages.error(request, _("Vetëm kush e ka rastin në ngarkim mund të përgjigjet."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    def get_urls(self) -> list[Any]:
        return [
            path(
                "eksperti/",
                self.admin_site.admin_view(self.expert_list_view),
                name="support_supportcase_expert_list",
            ),
            path(
                object_id_path(self.model, "eksperti/"),
                self.admin_site.admin_view(self.expert_view),
                name="support_supportcase_expert",
            ),
            *super().get_urls(),
        ]

    def expert_list_view(self, request: HttpRequest) -> HttpResponse:
        """The open cases the signed-in staff member was asked into: numbers and reasons."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rastet ku jeni ftuar si ekspert"),
            "opts": self.model._meta,
            "invitations": expert_invitations_open(staff=request.user),
        }
        return TemplateResponse(request, "support/admin/expert_list.html", context)

    def expert_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """An invited expert reads the case's text, each read recorded (P9); others are refused."""
        case = SupportCase.objects.filter(pk=object_id).first()
        if case is None:
            raise Http404
        form = MessageForm(request.POST if request.POST.get("action") == "reply" else None)
        try:
            if request.method == "POST" and request.POST.get("action") == "leave":
                case_expert_leave(case=case, expert=request.user, actor=request.user)
                messages.success(request, _("Dolët nga rasti %(case)s.") % {"case": case})
                return HttpResponseRedirect(reverse("admin:support_supportcase_expert_list"))
            if request.method == "POST" and form.is_valid():
                case_reply(case=case, body=form.cleaned_data["body"], actor=request.user)
                messages.success(request, _("Përgjigjja iu dërgua klientit."))
                return HttpResponseRedirect(request.path)
            thread = case_text_read(
                case=case, reader=request.user, ip_address=client_address(request)
            )
        except CaseRefused as refused:
            raise PermissionDenied from refused
        except ValidationError as error:
            form.add_error("body", error)
            thread = case_text_read(
                case=case, reader=request.user, ip_address=client_address(request)
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rasti %(case)s") % {"case": case},
            "opts": self.model._meta,
            "case": case,
            "thread": thread,
            "form": form,
        }
        return TemplateResponse(request, "support/admin/expert_case.html", context)

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
