"""Bounces and complaints reported by an email provider (django-anymail) suppress the address.

Only what proves the address itself bad, or its owner's wish, suppresses: a complaint,
an unsubscribe, and a bounce or rejection that anymail files under a permanent reason.
A soft bounce (mailbox full, server busy) says nothing lasting about the address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason, tracking
from django.dispatch import receiver

from subscriptions.models import Channel, SuppressionReason

_BOUNCES = {EventType.BOUNCED, EventType.REJECTED}
_PERMANENT_REJECT_REASONS = {RejectReason.INVALID, RejectReason.BOUNCED}
_SUPPRESSING = {
    EventType.COMPLAINED: (SuppressionReason.COMPLAINT, Channel.COMPLAINT),
    EventType.UNSUBSCRIBED: (SuppressionReason.UNSUBSCRIBED, Channel.ONE_CLICK),
}


def _payload(event: AnymailTrackingEvent) -> dict[str, Any]:
    return event.esp_event if isinstance(event.esp_event, dict) else {}


# anymail reports these providers' soft bounces as BOUNCED with reject reason "bounced",
# the same as a hard bounce: only the provider's own payload tells them apart. By the
# esp_name of anymail's webhook; True when the provider calls the bounce temporary.
_SOFT_BOUNCE: dict[str, Callable[[dict[str, Any]], bool]] = {
    # bounceType "Transient" or "Undetermined"; only "Permanent" is final.
    "Amazon SES": lambda payload: (payload.get("bounce") or {}).get("bounceType") != "Permanent",
    "Postmark": lambda payload: payload.get("Type") == "SoftBounce",
    "Brevo": lambda payload: payload.get("event") == "soft_bounce",
}


def _outcome(
    event: AnymailTrackingEvent, *, esp_name: str
) -> tuple[SuppressionReason, Channel] | None:
    """Return why this event suppresses its recipient, or None when it says nothing lasting."""
    if event.event_type in _BOUNCES:
        if event.reject_reason not in _PERMANENT_REJECT_REASONS:
            return None
        soft = _SOFT_BOUNCE.get(esp_name)
        if soft is not None and soft(_payload(event)):
            return None
        return SuppressionReason.HARD_BOUNCE, Channel.BOUNCE
    return _SUPPRESSING.get(event.event_type)


@receiver(tracking)
def suppress_on_provider_event(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    from subscriptions.services import suppression_add

    outcome = _outcome(event, esp_name=esp_name)
    if outcome is None or not event.recipient:
        return
    reason, channel = outcome
    suppression_add(email=event.recipient, reason=reason, channel=channel)
