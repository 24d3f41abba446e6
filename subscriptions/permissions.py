"""The subscriptions app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class SubscriptionPermission(enum.StrEnum):
    VIEW_SUBSCRIBER = "subscriptions.view_subscriber"
    # Declared on Subscriber.Meta.permissions: take an opt-out told to staff (P13).
    RECORD_OPTOUT = "subscriptions.record_optout"
    VIEW_SUBSCRIPTION_EVENT = "subscriptions.view_subscriptionevent"
    VIEW_SUPPRESSION = "subscriptions.view_suppression"


role_permissions_grant(
    {
        # P13: take an opt-out by phone or in person; see whom it concerns, masked.
        Role.CUSTOMER_CARE: [
            SubscriptionPermission.VIEW_SUBSCRIBER,
            SubscriptionPermission.RECORD_OPTOUT,
        ],
        Role.DATA_PROTECTION_OFFICER: [
            SubscriptionPermission.VIEW_SUBSCRIBER,
            SubscriptionPermission.VIEW_SUBSCRIPTION_EVENT,
            SubscriptionPermission.VIEW_SUPPRESSION,
        ],
        Role.ADMINISTRATOR: [SubscriptionPermission.VIEW_SUBSCRIBER],
    }
)
