from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from core.money import format_lek
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange
from orders.permissions import OrderPermission
from orders.selectors import (
    order_counts_per_day,
    order_day_figures,
    orders_waiting_confirmation,
)
from orders.services import ALLOWED_TRANSITIONS, OrderError, order_assign, order_change_status
from staff.access import Scope
from staff.admin_base import (
    Bar,
    BarChart,
    CustomerPageInline,
    DashboardPanel,
    Figure,
    Figures,
    PersonalDataAdmin,
    Table,
    TableRow,
    customer_page_inline_add,
    dashboard_panel_add,
    datetime_shown,
    object_id_path,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What the button for each next status says on the order page, in the order shown.
STATUS_BUTTONS: dict[OrderStatus, StrOrPromise] = {
    OrderStatus.CONFIRMED: _("Konfirmo porosinë"),
    OrderStatus.OUT_FOR_DELIVERY: _("Shëno: në dorëzim"),
    OrderStatus.DELIVERED: _("Shëno: e dorëzuar"),
    OrderStatus.CANCELLED: _("Anulo porosinë"),
}


def staff_display_name(user: User | None) -> str:
    """Return how the back office names a colleague: the full name, else the email."""
    if user is None:
        return ""
    return user.get_full_name() or user.email


class OrderRecordInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows that belong to the order as it happened: shown to whoever may see the order."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(OrderPermission.VIEW_ORDER)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderLineInline(OrderRecordInline):
    """What to pack: each product of the order with its quantity and price as sold."""

    model = OrderLine
    verbose_name = _("artikull")
    verbose_name_plural = _("Artikujt për t'u paketuar")
    fields = readonly_fields = (
        "product_name",
        "sku_shown",
        "quantity",
        "unit_price_shown",
        "total_shown",
    )

    @admin.display(description=_("SKU"))
    def sku_shown(self, line: OrderLine) -> str:
        return line.sku or "—"

    @admin.display(description=_("Çmimi për njësi"))
    def unit_price_shown(self, line: OrderLine) -> str:
        return format_lek(line.unit_price)

    @admin.display(description=_("Vlera"))
    def total_shown(self, line: OrderLine) -> str:
        return format_lek(line.line_total)


class OrderStatusChangeInline(OrderRecordInline):
    model = OrderStatusChange
    verbose_name = _("ndryshim statusi")
    verbose_name_plural = _("Historiku i statusit")
    fields = readonly_fields = ("changed_at", "from_status", "to_status", "actor_label")


@customer_page_inline_add
class CustomerOrdersInline(CustomerPageInline):
    """The customer's orders on their page: number, date, status and total, nothing personal."""

    model = Order
    fk_name = "customer"
    view_permission = OrderPermission.VIEW_ORDER
    verbose_name = _("porosi")
    verbose_name_plural = _("Porositë e klientit")
    fields = readonly_fields = ("number_link", "placed_at_shown", "status", "total_shown")

    @admin.display(description=_("Numri i porosisë"))
    def number_link(self, order: Order) -> SafeString:
        return format_html('<a href="{}">{}</a>', self.record_url(order), order.number)

    @admin.display(description=_("Vendosur më"))
    def placed_at_shown(self, order: Order) -> str:
        return datetime_shown(order.placed_at)

    @admin.display(description=_("Totali (me TVSH)"))
    def total_shown(self, order: Order) -> str:
        return format_lek(order.total)


def _status_action(to_status: OrderStatus, description: StrOrPromise):  # type: ignore[no-untyped-def]
    def action(modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        changed = 0
        for order in queryset:
            try:
                order_change_status(order=order, to_status=to_status, actor=actor)
            except OrderError as error:
                modeladmin.message_user(request, str(error), level=messages.WARNING)
            else:
                changed += 1
        if changed:
            modeladmin.message_user(
                request, _("%(count)d porosi u përditësuan.") % {"count": changed}
            )

    action.__name__ = f"mark_{to_status.value}"
    action.short_description = description  # type: ignore[attr-defined]
    action.allowed_permissions = ("change_order_status",)  # type: ignore[attr-defined]
    return action


@admin.action(
    description=_("Merri në ngarkim porositë e zgjedhura"), permissions=["change_order_status"]
)
def assign_to_me(modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]) -> None:
    staff = request.user if isinstance(request.user, User) else None
    taken = 0
    for order in queryset:
        try:
            order_assign(order=order, staff=staff, actor=staff)
        except OrderError as error:
            modeladmin.message_user(request, str(error), level=messages.WARNING)
        else:
            taken += 1
    if taken:
        modeladmin.message_user(
            request, _("%(count)d porosi janë tani në ngarkimin tuaj.") % {"count": taken}
        )


@admin.register(Order)
class OrderAdmin(PersonalDataAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    # The order's page on the site is the customer's own: staff have nothing to see there.
    view_on_site = False
    list_display = [
        "number",
        "status",
        "assignee",
        "placed_at_shown",
        "total_shown",
        "payment_method",
        "delivery_name",
        "delivery_municipality",
    ]
    list_filter = ["status", "payment_method", "delivery_municipality", "placed_at"]
    list_select_related = ["assigned_to"]
    search_fields = ["number"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, OrderStatusChangeInline]
    fields = readonly_fields = (
        "number",
        "customer",
        "status",
        "assignee",
        "assigner",
        "payment_method",
        "delivery_name",
        "delivery_phone",
        "delivery_municipality",
        "delivery_street",
        "delivery_notes",
        "total_shown",
        "language",
        "placed_at",
    )
    actions = [
        assign_to_me,
        _status_action(OrderStatus.CONFIRMED, _("Konfirmo porositë e zgjedhura")),
        _status_action(OrderStatus.OUT_FOR_DELIVERY, _("Shëno: në dorëzim")),
        _status_action(OrderStatus.DELIVERED, _("Shëno: e dorëzuar")),
        _status_action(OrderStatus.CANCELLED, _("Anulo porositë e zgjedhura")),
    ]

    class Media:
        css = {"all": ["css/orders-admin.css"]}

    @admin.display(description=_("Në ngarkim të"))
    def assignee(self, order: Order) -> str:
        return staff_display_name(order.assigned_to)

    @admin.display(description=_("Caktuar nga"))
    def assigner(self, order: Order) -> str:
        return staff_display_name(order.assigned_by)

    @admin.display(description=_("Vendosur më"), ordering="placed_at")
    def placed_at_shown(self, order: Order) -> str:
        return datetime_shown(order.placed_at)

    @admin.display(description=_("Totali (me TVSH)"), ordering="total")
    def total_shown(self, order: Order) -> str:
        return format_lek(order.total)

    def purpose_scope(self, obj: Order) -> Scope:
        return Scope.of(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).select_related("assigned_to", "assigned_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_order_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(OrderPermission.CHANGE_ORDER_STATUS)

    def get_urls(self) -> list[Any]:
        own: list[URLPattern] = [
            path(
                object_id_path(Order, "statusi/"),
                self.admin_site.admin_view(require_POST(self.status_view)),
                name="orders_order_change_status",
            ),
            path(
                object_id_path(Order, "fleta-e-paketimit/"),
                self.admin_site.admin_view(self.packing_slip_view),
                name="orders_order_packing_slip",
            ),
        ]
        return [*own, *super().get_urls()]

    def has_packing_slip_permission(self, request: HttpRequest) -> bool:
        """Whoever handles orders packs them: seeing an order alone is not enough."""
        return self.has_view_permission(request) and self.has_change_order_status_permission(
            request
        )

    def packing_slip_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Serve a printable slip: the lines to pack, and delivery as the role matrix allows.

        The delivery details are the order's declared personal fields, masked exactly as
        on the order's page; whatever shows in full is recorded in the access record.
        """
        if not self.has_packing_slip_permission(request):
            raise PermissionDenied
        order = get_object_or_404(
            self.get_queryset(request).prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
            ),
            pk=object_id,
        )
        delivery = self.personal_data_printed(request, order)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Fleta e paketimit e porosisë %(number)s") % {"number": order.number},
            "order": order,
            "placed_at": datetime_shown(order.placed_at),
            "printed_at": datetime_shown(timezone.now()),
            "total": format_lek(order.total),
            "lines": order.lines.all(),
            "delivery": delivery,
            "change_url": reverse("admin:orders_order_change", args=[order.pk]),
        }
        return TemplateResponse(request, "admin/orders/order/packing_slip.html", context)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Order | None = None,
    ) -> HttpResponse:
        if obj is not None and self.has_packing_slip_permission(request):
            context["packing_slip_url"] = reverse("admin:orders_order_packing_slip", args=[obj.pk])
        if obj is not None and self.has_change_order_status_permission(request):
            allowed = ALLOWED_TRANSITIONS[obj.status]
            context["status_url"] = reverse("admin:orders_order_change_status", args=[obj.pk])
            context["status_choices"] = [
                (status.value, label)
                for status, label in STATUS_BUTTONS.items()
                if status in allowed
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def status_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Move one order to the status chosen on its page, through the status rules."""
        if not self.has_change_order_status_permission(request):
            raise PermissionDenied
        order = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:orders_order_change", args=[order.pk])
        try:
            to_status = OrderStatus(request.POST.get("status", ""))
        except ValueError:
            messages.error(request, gettext("Zgjidhni një nga statuset e propozuara."))
            return HttpResponseRedirect(change_url)
        actor = request.user if isinstance(request.user, User) else None
        try:
            order = order_change_status(order=order, to_status=to_status, actor=actor)
        except OrderError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                gettext("Porosia %(number)s kaloi në „%(status)s”.")
                % {"number": order.number, "status": order.get_status_display()},
            )
        return HttpResponseRedirect(change_url)


# The sales desk's day on the landing page: counts, money and order numbers, no customer.
WAITING_LISTED = 5
DAYS_CHARTED = 14


def _orders_today_parts(request: HttpRequest) -> list[Figures | Table]:
    figures = order_day_figures(now=timezone.now())
    changelist = reverse("admin:orders_order_changelist")
    waiting = [
        TableRow(
            cells=[order.number, datetime_shown(order.placed_at), format_lek(order.total)],
            url=reverse("admin:orders_order_change", args=[order.pk]),
        )
        for order in orders_waiting_confirmation(limit=WAITING_LISTED)
    ]
    return [
        Figures(
            items=[
                Figure(
                    label=_("Për t'u konfirmuar"),
                    value=str(figures.to_confirm),
                    url=f"{changelist}?status__exact={OrderStatus.PLACED.value}",
                    urgent=bool(figures.to_confirm),
                ),
                Figure(label=_("Porositë e sotme"), value=str(figures.today_orders)),
                Figure(label=_("Vlera e tyre"), value=format_lek(figures.today_revenue)),
            ]
        ),
        Table(
            caption=_("Presin konfirmim më gjatë"),
            headers=[_("Porosia"), _("Vendosur më"), _("Totali")],
            rows=waiting,
            empty=_("Asnjë porosi nuk pret konfirmim."),
        ),
    ]


def _orders_per_day_parts(request: HttpRequest) -> list[BarChart]:
    days = order_counts_per_day(now=timezone.now(), days=DAYS_CHARTED)
    return [
        BarChart(
            key="orders-per-day",
            caption=_("Porositë për ditë, %(days)d ditët e fundit") % {"days": DAYS_CHARTED},
            label_header=_("Dita"),
            value_header=_("Porosi"),
            bars=[
                Bar(
                    label=dateformat.format(day, "d.m"),
                    value=count,
                    long_label=dateformat.format(day, "d.m.Y"),
                )
                for day, count in days
            ],
        )
    ]


dashboard_panel_add(
    DashboardPanel(
        key="orders-today",
        title=_("Porositë sot"),
        permission=OrderPermission.CHANGE_ORDER_STATUS,
        parts=_orders_today_parts,
        position=10,
        more_url=lambda: reverse("admin:orders_order_changelist"),
        more_label=_("Të gjitha porositë"),
    )
)
dashboard_panel_add(
    DashboardPanel(
        key="orders-per-day",
        title=_("Porositë e dy javëve të fundit"),
        permission=OrderPermission.CHANGE_ORDER_STATUS,
        parts=_orders_per_day_parts,
        position=20,
    )
)
