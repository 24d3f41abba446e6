"""The subscription history: one SubscriptionEvent for every change, in the change's transaction."""

from __future__ import annotations

from typing import Any

from privacy.audit import actor_label
from subscriptions.models import Channel, Subscriber, SubscriptionAction, SubscriptionEvent, Topic


def event_record(
    subscriber: Subscriber | None,
    *,
    action: SubscriptionAction,
    channel: Channel,
    actor: Any | None,
    topic: Topic | str = "",
    note: str = "",
    campaign_id: int | None = None,
) -> SubscriptionEvent:
    """Append one change to the history: who acted is named by role, never by name (P5)."""
    return SubscriptionEvent.objects.create(
        subscriber=subscriber,
        topic=topic,
        action=action,
        channel=channel,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        note=note,
        campaign_id=campaign_id,
    )
