"""Staff roles, defined in code; `sync_roles` makes the database's groups match."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER_CARE = "customer_care", _("Kujdesi ndaj klientit")
    SALES = "sales", _("Shitje")
    MARKETING = "marketing", _("Marketing")
    DATA_PROTECTION_OFFICER = "dpo", _("Zyrtari i mbrojtjes së të dhënave")
    ADMINISTRATOR = "administrator", _("Administrator")


def staff_roles(staff: Any) -> frozenset[Role]:
    """Return the roles of a staff member; a superuser without a role is an administrator."""
    if not getattr(staff, "is_staff", False) or not staff.is_active:
        return frozenset()
    cached = getattr(staff, "_staff_roles", None)
    if cached is None:
        names = set(staff.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if not cached and staff.is_superuser:
            cached = frozenset({Role.ADMINISTRATOR})
        staff._staff_roles = cached
    return cached  # type: ignore[no-any-return]


def staff_label(staff: Any) -> str:
    """Return the label records keep for this staff member: their roles, by code."""
    return roles_label(staff_roles(staff))


def roles_label(roles: Iterable[Role]) -> str:
    """Return the label the access record keeps for a staff actor: their roles, not a name."""
    return ",".join(sorted(role.value for role in roles))


CATALOG_EDIT = [
    "catalog.view_category",
    "catalog.add_category",
    "catalog.change_category",
    "catalog.view_brand",
    "catalog.add_brand",
    "catalog.change_brand",
    "catalog.view_product",
    "catalog.add_product",
    "catalog.change_product",
]
CATALOG_VIEW = ["catalog.view_category", "catalog.view_brand", "catalog.view_product"]
CAMPAIGN_SEND = [
    "campaigns.view_campaign",
    "campaigns.add_campaign",
    "campaigns.change_campaign",
    "campaigns.send_campaign",
]
# P12: the erasure queue. Executing and extending need `handle`; holds are placed (add)
# and lifted (change) from it.
ERASURE_HANDLE = [
    "rights.view_erasurerequest",
    "rights.handle_erasurerequest",
    "rights.register_erasurerequest",
    "rights.view_legalhold",
    "rights.add_legalhold",
    "rights.change_legalhold",
]
SUPPORT_HANDLE = [
    "support.view_supportcase",
    "support.add_supportcase",
    "support.change_supportcase",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CUSTOMER_CARE: [
        *CATALOG_VIEW,
        *SUPPORT_HANDLE,
        "accounts.view_user",
        "accounts.view_address",
        "orders.view_order",
        "orders.change_order_status",
        # P13: take an opt-out by phone or in person; see whom it concerns, masked.
        "subscriptions.view_subscriber",
        "subscriptions.record_optout",
        # P12: register an erasure request told by phone, in person or by email; the
        # queue itself is the data-protection officer's.
        "rights.register_erasurerequest",
    ],
    Role.SALES: [
        *CATALOG_EDIT,
        "orders.view_order",
        "orders.change_order_status",
    ],
    Role.MARKETING: [
        *CATALOG_EDIT,
        *CAMPAIGN_SEND,
    ],
    Role.DATA_PROTECTION_OFFICER: [
        "accounts.view_user",
        "accounts.view_address",
        "orders.view_order",
        "policy.view_policyversion",
        "policy.view_policyacceptance",
        "mail.view_outboxmessage",
        *SUPPORT_HANDLE,
        "privacy.view_accessentry",
        *ERASURE_HANDLE,
        "staff.view_trainingrecord",
        "consent.view_consentdecision",
        # P7: the officer's alone; the export checks the role too (consent.services), so
        # neither a superuser nor a direct grant of this permission exports without it.
        "consent.export_consentdecision",
        "subscriptions.view_subscriber",
        "subscriptions.view_subscriptionevent",
        "subscriptions.view_suppression",
        "campaigns.view_campaign",
    ],
    Role.ADMINISTRATOR: [
        *CATALOG_EDIT,
        "catalog.delete_product",
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_address",
        "orders.view_order",
        "orders.change_order_status",
        "policy.view_policyversion",
        "policy.add_policyversion",
        "mail.view_outboxmessage",
        "auth.view_group",
        "privacy.view_accessentry",
        # Sees the erasure deadlines, as the access record; executes nothing (P12).
        "rights.view_erasurerequest",
        "rights.view_legalhold",
        "staff.view_trainingrecord",
        "staff.add_trainingrecord",
        "staff.change_trainingrecord",
        "subscriptions.view_subscriber",
        "campaigns.view_campaign",
    ],
}
