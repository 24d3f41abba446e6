"""Bounces and complaints an email provider reports (django-anymail) become delivery feedback.

Only what proves the address itself bad, or its owner's wish, is passed on: a complaint,
an unsubscribe, and a bounce or rejection that anymail files under a permanent reason.
A soft bounce (mailbox full, server busy) says nothing lasting about the address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason, tracking
from django.dispatch import receiver

from mail.signals import DeliveryFeedback, delivery_feedback

_BOUNCES = {EventType.BOUNCED, EventType.REJECTED}
_PERMANENT_REJECT_REASONS = {RejectReason.INVALID, RejectReason.BOUNCED}
_FEEDBACK = {
    EventType.COMPLAINED: DeliveryFeedback.COMPLAINT,
    EventType.UNSUBSCRIBED: DeliveryFeedback.UNSUBSCRIBE,
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


def _feedback(event: AnymailTrackingEvent, *, esp_name: str) -> DeliveryFeedback | None:
    """Return what this event says about its recipient, or None when nothing lasting."""
    if event.event_type in _BOUNCES:
        if event.reject_reason not in _PERMANENT_REJECT_REASONS:
            return None
        soft = _SOFT_BOUNCE.get(esp_name)
        if soft is not None and soft(_payload(event)):
            return None
        return DeliveryFeedback.HARD_BOUNCE
    return _FEEDBACK.get(event.event_type)


@receiver(tracking, dispatch_uid="mail.provider_feedback")
def feedback_from_provider_event(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    """Receive anymail's `tracking` signal: pass a lasting bounce or complaint on."""
    feedback = _feedback(event, esp_name=esp_name)
    if feedback is None or not event.recipient:
        return
    delivery_feedback.send(sender=sender, address=event.recipient, feedback=feedback)
