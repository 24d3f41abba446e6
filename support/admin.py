from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import letter_count
from privacy.audit import client_address
from privacy.models import AccessBasis
from privacy.registry import Category, qualified
from privacy.roles import staff_roles
from staff.access import ROLE_MATRIX, Scope, training_valid
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
from support.models import (
    AuthorKind,
    CaseAttachment,
    CaseExpert,
    CaseHandover,
    CaseMail,
    CaseMessage,
    CaseStatus,
    SupportCase,
)
from support.permissions import SupportPermission
from support.selectors import (
    case_photo,
    case_queue_figures,
    cases_open_oldest,
    expert_invitations_open,
)
from support.services import (
    EXPERT_REASON_MIN_LETTERS,
    MESSAGE_MIN_LETTERS,
    CaseRefused,
    case_expert_invite,
    case_expert_leave,
    case_handled_by,
    case_owner_read,
    case_photo_read,
    case_reply,
    case_save,
    case_text_read,
)
from support.views import photo_response

# The parts of a case's page only its owner gets, while the case is open.
OWNER_FIELDS = ["reply", "invite_expert", "invite_reason"]
# Who wrote a visitor's case: shown on its page once it exists, never typed in by staff.
VISITOR_FIELDS = ["contact_name", "contact_email", "order_number"]


def visitor_case_categories(request: HttpRequest, case: SupportCase) -> frozenset[Category]:
    """Return what the staff member may see of a case no account holds yet (P5, P9).

    staff.access decides about a customer; a visitor's case has none yet. Its owner,
    trained, sees it as their role sees a customer's case; nobody else, and marketing
    and sales never. The read is recorded by `case_owner_read`.
    """
    if case.customer_id is not None:
        return frozenset()
    cache: dict[int, frozenset[Category]] = request.__dict__.setdefault("_visitor_cases", {})
    if case.pk not in cache:
        staff = request.user
        allowed: frozenset[Category] = frozenset()
        if case_handled_by(case=case, staff=staff) == AuthorKind.STAFF and training_valid(staff):
            for role in staff_roles(staff):
                allowed |= ROLE_MATRIX[role].get(AccessBasis.SUPPORT_CASE, frozenset())
        cache[case.pk] = allowed
    return cache[case.pk]


class VisitorCaseReveal:
    """Reveal a visitor's case to its owner (`visitor_case_categories`), masked otherwise."""

    def revealed(self, request: HttpRequest, subject_of: Any) -> set[str]:
        shown: set[str] = super().revealed(request, subject_of)  # type: ignore[misc]
        if not isinstance(subject_of, SupportCase) or subject_of.customer_id is not None:
            return shown
        categories = visitor_case_categories(request, subject_of)
        return {
            name
            for name, entry in self.personal_fields.items()  # type: ignore[attr-defined]
            if entry.category in categories
        }


class CaseMessageInline(VisitorCaseReveal, PersonalDataInline):
    """The thread: shown in full to who handles the case, the reveal recorded; masked otherwise."""

    model = CaseMessage
    fields = ["created_at", "author_kind", "body", "photos"]
    verbose_name = _("mesazh")
    verbose_name_plural = _("Biseda me klientin")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseMessage]:
        return super().get_queryset(request).prefetch_related("attachments")

    @admin.display(description=_("Fotografi"))
    def photos(self, message: CaseMessage) -> SafeString:
        """Links to the message's photos: each opens only for who handles the case, recorded."""
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:support_supportcase_photo", args=[message.case_id, photo.pk]),
                _("Foto %(number)d (%(width)d×%(height)d)")
                % {"number": number, "width": photo.width, "height": photo.height},
            )
            for number, photo in enumerate(message.attachments.all(), start=1)
        ]
        return format_html("{}", SafeString(" · ".join(links))) if links else SafeString("—")

    def purpose_scope(self, obj: Any) -> Scope:
        return Scope.of(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the case's page: seen by whoever may see the case.
        return bool(request.user.has_perm(SupportPermission.VIEW_SUPPORT_CASE))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseMailInline(VisitorCaseReveal, PersonalDataInline):
    """The case's mail: who sent what to info@, and when the shop answered by mail."""

    model = CaseMail
    fk_name = "case"
    fields = ["at", "direction", "sender_name", "sender_address", "subject"]
    verbose_name = _("email")
    verbose_name_plural = _("Email-et e rastit")

    def purpose_scope(self, obj: Any) -> Scope:
        return Scope.of(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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
class SupportCaseAdmin(VisitorCaseReveal, PersonalDataAdmin):
    list_display = [
        "__str__",
        "customer",
        "contact_email",
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
        *VISITOR_FIELDS,
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
    inlines = [CaseMessageInline, CaseMailInline, CaseExpertInline, CaseHandoverInline]
    change_form_template = "support/admin/case_change_form.html"

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
        if obj is None:
            fields = [name for name in fields if name not in VISITOR_FIELDS]
        return [*fields, *OWNER_FIELDS] if self._owns_open(request, obj) else fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Find cases by the customer's address, or by the address a visitor wrote from."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if "@" not in term:
            return found, duplicates
        index_field = SupportCase._meta.get_field("contact_email_index")
        index = index_field.index_for(term)  # type: ignore[union-attr]
        return found | queryset.filter(contact_email_index=index), duplicates

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if isinstance(obj, SupportCase) and obj.customer_id is None:
            context.update(self._visitor_read_record(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _visitor_read_record(self, request: HttpRequest, case: SupportCase) -> dict[str, Any]:
        """Record what the owner of a visitor's case sees on its page; say whom it is about."""
        on_page = {name for name in flatten_fieldsets(self.get_fieldsets(request, case)) if name}
        shown = [qualified(SupportCase, name) for name in self.revealed(request, case) & on_page]
        for inline in self.get_inline_instances(request, case):
            if isinstance(inline, PersonalDataInline):
                inline_fields = set(inline.get_fields(request, case))
                shown += [
                    qualified(inline.model, name)
                    for name in inline.revealed(request, case) & inline_fields
                ]
        if shown:
            case_owner_read(
                case=case, reader=request.user, fields=shown, ip_address=client_address(request)
            )
        return {"visitor_case": True, "visitor_case_shown": bool(shown)}

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
            path(
                object_id_path(self.model, "foto/<int:photo_id>/"),
                self.admin_site.admin_view(self.photo_view),
                name="support_supportcase_photo",
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

    def photo_view(self, request: HttpRequest, object_id: int, photo_id: int) -> FileResponse:
        """One photo of the case, to its owner or an invited expert, the read recorded (P9)."""
        case = SupportCase.objects.filter(pk=object_id).first()
        photo: CaseAttachment | None = (
            case_photo(case=case, photo_id=photo_id) if case is not None else None
        )
        if case is None or photo is None:
            raise Http404
        try:
            case_photo_read(
                case=case, photo=photo, reader=request.user, ip_address=client_address(request)
            )
        except CaseRefused as refused:
            raise PermissionDenied from refused
        return photo_response(photo)

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
