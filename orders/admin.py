from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange
from orders.permissions import OrderPermission
from orders.services import OrderError, order_assign, order_change_status
from staff.access import Scope
from staff.admin_base import PersonalDataAdmin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OrderLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrderLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("sku", "product_name", "unit_price", "quantity")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderStatusChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ("changed_at", "from_status", "to_status", "actor_label")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
    list_display = [
        "number",
        "status",
        "assigned_to",
        "placed_at",
        "total",
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
        "assigned_to",
        "assigned_by",
        "payment_method",
        "delivery_name",
        "delivery_phone",
        "delivery_municipality",
        "delivery_street",
        "delivery_notes",
        "total",
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

    def purpose_scope(self, obj: Order) -> Scope:
        return Scope.of(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_order_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(OrderPermission.CHANGE_ORDER_STATUS)
