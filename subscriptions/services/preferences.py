"""Switching topics on and off: every channel's change goes through `subscription_change` (P8)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SuppressionReason,
    Topic,
)
from subscriptions.services.events import event_record
from subscriptions.services.suppression import suppression_lift


def subscription_change(
    *,
    subscriber: Subscriber,
    topics: dict[Topic, bool],
    channel: Channel,
    actor: Any | None,
    note: str = "",
    campaign_id: int | None = None,
) -> list[Topic]:
    """Set the listed topics on or off; return the topics that actually changed."""
    changed: list[Topic] = []
    with transaction.atomic():
        current = {
            row.topic: row
            for row in Subscription.objects.select_for_update().filter(subscriber=subscriber)
        }
        for topic, wanted in topics.items():
            row = current.get(topic)
            if row is not None and row.active == wanted:
                continue
            if row is None and not wanted:
                continue
            if row is None:
                Subscription.objects.create(subscriber=subscriber, topic=topic, active=True)
            else:
                row.active = wanted
                row.save(update_fields=["active", "changed_at"])
            event_record(
                subscriber,
                action=SubscriptionAction.SUBSCRIBED if wanted else SubscriptionAction.UNSUBSCRIBED,
                channel=channel,
                actor=actor,
                topic=topic,
                note=note,
                campaign_id=campaign_id,
            )
            changed.append(topic)
        if any(topics.values()) and _asked_from_own_mailbox(subscriber, channel=channel):
            # The person asked for mail again themselves, from their own mailbox's link
            # or their verified account: a past "unsubscribe from all" no longer stands.
            suppression_lift(subscriber, reasons=[SuppressionReason.UNSUBSCRIBED], channel=channel)
    return changed


def _asked_from_own_mailbox(subscriber: Subscriber, *, channel: Channel) -> bool:
    """Whether a change on this channel proves the mailbox: its link, or a verified account."""
    if channel == Channel.PREFERENCE_PAGE:
        return True
    if channel == Channel.ACCOUNT:
        return subscriber.user is not None and subscriber.user.email_verified
    return False
