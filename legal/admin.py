"""The data-protection officer's legal register in the back office (P11).

Only the officer sees it (`legal.services.is_legal_officer`: the role itself, so a
superuser without it is refused as anyone else). Pages show numbers, kinds, dates and
categories, never a customer's value; the data is reached only by the disclosure,
which records every person's entry in the access record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from legal.files import sealed_file_open
from legal.forms import LegalRequestDecideForm, LegalRequestRegisterForm
from legal.models import (
    DISCLOSING_OUTCOMES,
    DisclosurePackage,
    LegalDocument,
    LegalRequest,
    RequestOutcome,
)
from legal.permissions import LegalPermission
from legal.selectors import (
    legal_dashboard_figures,
    legal_requests_pending,
    legal_requests_visible_to,
)
from legal.services import (
    LegalRequestError,
    check_legal_officer,
    is_legal_officer,
    legal_request_decide,
    legal_request_disclose,
    legal_request_register,
    package_link,
)
from privacy.registry import Category
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    ReadOnlyAdmin,
    Table,
    TableRow,
    dashboard_panel_add,
)

TEMPLATES = "admin/legal/legalrequest"


def _day(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _categories(values: list[str]) -> str:
    return (
        ", ".join(str(Category(value).label) for value in values if value in Category.values) or "—"
    )


def _officer(request: HttpRequest) -> User:
    check_legal_officer(request.user)
    return cast(User, request.user)


def _error(error: LegalRequestError) -> str:
    return " ".join(str(message) for message in error.messages)


@admin.register(LegalRequest)
class LegalRequestAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "number_text",
        "authority_kind",
        "received",
        "deadline_text",
        "people_count",
        "outcome",
        "notice_text",
    ]
    list_display_links = ["number_text"]
    list_filter = ["outcome", "authority_kind"]
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    actions = None
    fields = readonly_fields = (
        "number_text",
        "authority_kind",
        "requester",
        "legal_basis",
        "reference",
        "received",
        "deadline_text",
        "accounts",
        "asked",
        "period",
        "outcome",
        "decision_reason",
        "approved",
        "notice_text",
        "notice_withheld_note",
    )
    change_form_template = f"{TEMPLATES}/change_form.html"
    change_list_template = f"{TEMPLATES}/change_list.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_legal_officer(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_legal_officer(request.user) and super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[LegalRequest]:
        return legal_requests_visible_to(request.user).annotate(people_total=Count("people"))

    @admin.display(description=_("Nr."), ordering="id")
    def number_text(self, legal_request: LegalRequest) -> str:
        return legal_request.number

    @admin.display(description=_("Marrë më"), ordering="received_on")
    def received(self, legal_request: LegalRequest) -> str:
        return _day(legal_request.received_on)

    @admin.display(description=_("Afati"), ordering="deadline")
    def deadline_text(self, legal_request: LegalRequest) -> str:
        return _day(legal_request.deadline)

    @admin.display(description=_("Llogari"))
    def people_count(self, legal_request: LegalRequest) -> str:
        return str(getattr(legal_request, "people_total", legal_request.people.count()))

    @admin.display(description=_("Llogaritë"))
    def accounts(self, legal_request: LegalRequest) -> str:
        numbers = legal_request.people.values_list("person_id", flat=True)
        return ", ".join(f"#{number}" for number in numbers)

    @admin.display(description=_("Kategoritë e kërkuara"))
    def asked(self, legal_request: LegalRequest) -> str:
        return _categories(legal_request.categories)

    @admin.display(description=_("Periudha e kërkuar"))
    def period(self, legal_request: LegalRequest) -> str:
        return f"{_day(legal_request.period_start)} – {_day(legal_request.period_end)}"

    @admin.display(description=_("E miratuar"))
    def approved(self, legal_request: LegalRequest) -> str:
        if legal_request.outcome not in DISCLOSING_OUTCOMES:
            return "—"
        return (
            f"{_categories(legal_request.approved_categories)}; "
            f"{_day(legal_request.approved_start)} – {_day(legal_request.approved_end)}"
        )

    @admin.display(description=_("Njoftimi i personit"))
    def notice_text(self, legal_request: LegalRequest) -> str:
        if legal_request.outcome == RequestOutcome.REFUSED:
            return "—"
        if not legal_request.notice_withheld:
            return gettext("Njoftohet kur jepen të dhënat")
        return gettext("%(why)s, deri më %(day)s") % {
            "why": legal_request.get_notice_withheld_display(),
            "day": _day(legal_request.notice_withheld_until),
        }

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        legal_request = self.get_object(request, object_id)
        if legal_request is not None:
            package = DisclosurePackage.objects.filter(request=legal_request).first()
            live = package is not None and package.expires_at > timezone.now() and package.file_key
            context.update(
                {
                    "documents": [
                        (document, self._url("document", legal_request, document.pk))
                        for document in legal_request.documents.all()
                    ],
                    "decide_url": self._url("decide", legal_request)
                    if legal_request.is_pending
                    else "",
                    "disclose_url": self._url("disclose", legal_request)
                    if legal_request.outcome in DISCLOSING_OUTCOMES and package is None
                    else "",
                    "package": package,
                    "package_url": package_link(package) if live and package else "",
                }
            )
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        def route(suffix: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
            return path(suffix, self.admin_site.admin_view(view), name=f"legal_legalrequest_{name}")

        return [
            route("regjistro/", self.register_view, "register"),
            route("<int:object_id>/vendos/", self.decide_view, "decide"),
            route("<int:object_id>/jep/", self.disclose_view, "disclose"),
            route("<int:object_id>/dokumenti/<int:document_id>/", self.document_view, "document"),
            *super().get_urls(),  # type: ignore[list-item]
        ]

    def _url(self, name: str, legal_request: LegalRequest, *extra: int) -> str:
        return reverse(f"admin:legal_legalrequest_{name}", args=[legal_request.pk, *extra])

    def _request(self, request: HttpRequest, object_id: int) -> LegalRequest:
        _officer(request)
        found = legal_requests_visible_to(request.user).filter(pk=object_id).first()
        if found is None:
            raise Http404
        return found

    def _page(self, request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"{TEMPLATES}/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
            status=400 if context.get("form") is not None and context["form"].errors else 200,
        )

    def register_view(self, request: HttpRequest) -> HttpResponse:
        """Ask for the request's details (GET); register it with its documents (POST)."""
        officer = _officer(request)
        form = LegalRequestRegisterForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                registered = legal_request_register(
                    authority_kind=data["authority_kind"],
                    requester=data["requester"],
                    legal_basis=data["legal_basis"],
                    reference=data["reference"],
                    received_on=data["received_on"],
                    deadline=data["deadline"],
                    people=data["accounts"],
                    categories=form.chosen_categories,
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    documents=form.uploads(),
                    actor=officer,
                )
            except LegalRequestError as error:
                form.add_error(None, _error(error))
            else:
                messages.success(
                    request,
                    gettext("Kërkesa %(number)s u regjistrua. Tani vendosni për të.")
                    % {"number": registered.number},
                )
                return HttpResponseRedirect(self._url("change", registered))
        return self._page(
            request, "register.html", title=gettext("Regjistro kërkesë ligjore"), form=form
        )

    def decide_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask for the decision (GET); record it (POST)."""
        officer = _officer(request)
        legal_request = self._request(request, object_id)
        form = LegalRequestDecideForm(
            request.POST if request.method == "POST" else None, request=legal_request
        )
        if request.method == "POST" and form.is_valid():
            try:
                decided = legal_request_decide(request=legal_request, actor=officer, **form.chosen)
            except LegalRequestError as error:
                form.add_error(None, _error(error))
            else:
                messages.success(
                    request,
                    gettext("Vendimi u regjistrua: %(outcome)s.")
                    % {"outcome": decided.get_outcome_display()},
                )
                return HttpResponseRedirect(self._url("change", decided))
        return self._page(
            request,
            "decide.html",
            title=gettext("Vendos për kërkesën"),
            legal_request=legal_request,
            form=form,
            change_url=self._url("change", legal_request),
        )

    def disclose_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Say what will be given (GET); build the package and record the disclosure (POST)."""
        officer = _officer(request)
        legal_request = self._request(request, object_id)
        if request.method == "POST":
            try:
                legal_request_disclose(request=legal_request, actor=officer)
            except LegalRequestError as error:
                messages.error(request, _error(error))
            else:
                messages.success(
                    request,
                    gettext(
                        "Paketa u përgatit dhe dhënia u shënua në regjistrin e qasjeve për çdo "
                        "person. Lidhjen për autoritetin e gjeni te kërkesa; skadon pas 7 ditësh."
                    ),
                )
            return HttpResponseRedirect(self._url("change", legal_request))
        return self._page(
            request,
            "disclose.html",
            title=gettext("Jepi të dhënat autoritetit"),
            legal_request=legal_request,
            approved=self.approved(legal_request),
            notice=self.notice_text(legal_request),
            change_url=self._url("change", legal_request),
        )

    def document_view(
        self, request: HttpRequest, object_id: int, document_id: int
    ) -> HttpResponseBase:
        """Give the officer one of the request's documents, opened from its sealed file."""
        legal_request = self._request(request, object_id)
        document = LegalDocument.objects.filter(request=legal_request, pk=document_id).first()
        if document is None:
            raise Http404
        try:
            stream = sealed_file_open(
                model=LegalDocument,
                public_id=document.public_id,
                storage_name=document.storage_name,
                sealed_key=document.file_key,
            )
        except Exception as exc:
            raise Http404 from exc
        response = StreamingHttpResponse(stream, content_type="application/octet-stream")
        response["Content-Disposition"] = (
            f'attachment; filename="{legal_request.number}-dokumenti-{document.pk}"'
        )
        response["Cache-Control"] = "no-store"
        return response


REQUESTS_LISTED = 6
OFFICER_ONLY = _("Vetëm zyrtari i mbrojtjes së të dhënave i sheh kërkesat ligjore.")


def _panel_parts(request: HttpRequest) -> list[Figures | Table]:
    if not is_legal_officer(request.user):
        # A superuser holds every permission, not the officer's role: nothing to show.
        return [Table(caption=_("Kërkesat ligjore"), headers=[], rows=[], empty=OFFICER_ONLY)]
    figures = legal_dashboard_figures()
    changelist = reverse("admin:legal_legalrequest_changelist")
    return [
        Figures(
            items=[
                Figure(
                    label=_("Kërkesa ligjore në pritje"),
                    value=str(figures.pending),
                    url=f"{changelist}?outcome__exact={RequestOutcome.PENDING.value}",
                ),
                Figure(
                    label=_("Me afat të kaluar"),
                    value=str(figures.overdue),
                    urgent=bool(figures.overdue),
                ),
                Figure(label=_("Njoftime të shtyra"), value=str(figures.notices_deferred)),
                Figure(label=_("Njoftimi i radhës më"), value=_day(figures.next_notice_on)),
            ]
        ),
        Table(
            caption=_("Kërkesat që presin vendimin"),
            headers=[_("Kërkesa"), _("Kërkuesi"), _("Afati")],
            rows=[
                TableRow(
                    cells=[
                        legal_request.number,
                        legal_request.get_authority_kind_display(),
                        _day(legal_request.deadline),
                    ],
                    url=reverse("admin:legal_legalrequest_change", args=[legal_request.pk]),
                    urgent=legal_request.deadline < timezone.localdate(),
                )
                for legal_request in legal_requests_pending(limit=REQUESTS_LISTED)
            ],
            empty=_("Asnjë kërkesë ligjore në pritje."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="legal-requests",
        title=_("Kërkesat ligjore"),
        permission=LegalPermission.VIEW,
        parts=_panel_parts,
        position=33,
        more_url=lambda: reverse("admin:legal_legalrequest_changelist"),
        more_label=_("Regjistri i kërkesave ligjore"),
    )
)
