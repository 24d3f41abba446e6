"""Bounces and complaints reported by an email provider (django-anymail) suppress the address."""

from __future__ import annotations

from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.dispatch import receiver

from subscriptions.models import Channel, SuppressionReason

# A soft bounce ("deferred") says nothing about the address; only these suppress.
_SUPPRESSING = {
    EventType.BOUNCED: (SuppressionReason.HARD_BOUNCE, Channel.BOUNCE),
    EventType.REJECTED: (SuppressionReason.HARD_BOUNCE, Channel.BOUNCE),
    EventType.COMPLAINED: (SuppressionReason.COMPLAINT, Channel.COMPLAINT),
    EventType.UNSUBSCRIBED: (SuppressionReason.UNSUBSCRIBED, Channel.ONE_CLICK),
}


@receiver(tracking)
def suppress_on_provider_event(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    from subscriptions.services import suppression_add

    outcome = _SUPPRESSING.get(event.event_type)
    if outcome is None or not event.recipient:
        return
    reason, channel = outcome
    suppression_add(email=event.recipient, reason=reason, channel=channel)
