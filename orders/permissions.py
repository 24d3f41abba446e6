"""The orders app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class OrderPermission(enum.StrEnum):
    VIEW_ORDER = "orders.view_order"
    # Declared on Order.Meta.permissions.
    CHANGE_ORDER_STATUS = "orders.change_order_status"


role_permissions_grant(
    {
        Role.CUSTOMER_CARE: [OrderPermission.VIEW_ORDER, OrderPermission.CHANGE_ORDER_STATUS],
        Role.SALES: [OrderPermission.VIEW_ORDER, OrderPermission.CHANGE_ORDER_STATUS],
        Role.DATA_PROTECTION_OFFICER: [OrderPermission.VIEW_ORDER],
        Role.ADMINISTRATOR: [OrderPermission.VIEW_ORDER, OrderPermission.CHANGE_ORDER_STATUS],
    }
)
