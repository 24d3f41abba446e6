"""Stopping mail: the one-click link in every message (RFC 8058) and unsubscribing from all (P13).

Unsubscribing takes effect when the transaction commits; the campaign engine checks the
same rows in the statement that commits each message as sent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.clauses import enforces
from subscriptions.models import Channel, Subscriber, SuppressionReason, Topic
from subscriptions.services.preferences import subscription_change
from subscriptions.services.suppression import address_lock, suppression_add_index
from subscriptions.tokens import unsubscribe_token_read


@enforces("P13", "one click unsubscribes without signing in, at once")
def unsubscribe_one_click(*, token: str) -> None:
    """Act on an RFC 8058 POST: stop the list the message came from, at once.

    Unknown, erased or forged tokens are accepted silently: the answer never reveals
    whether an address is or was subscribed.
    """
    parsed = unsubscribe_token_read(token)
    if parsed is None:
        return
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(public_id=parsed.public_id).first()
        if subscriber is None:
            return
        topics = [parsed.topic] if parsed.topic else list(Topic)
        subscription_change(
            subscriber=subscriber,
            topics=dict.fromkeys(topics, False),
            channel=Channel.ONE_CLICK,
            actor=None,
            campaign_id=parsed.campaign_id,
        )


def unsubscribe_all(
    *,
    subscriber: Subscriber,
    channel: Channel,
    actor: Any | None,
    note: str = "",
    campaign_id: int | None = None,
) -> None:
    """Stop every topic and put the address on the suppression list (a global unsubscribe)."""
    with transaction.atomic():
        # The subscriber row before the subscription rows, the order the campaign engine
        # takes them in, so this and a message being committed as sent cannot deadlock.
        address_lock(subscriber.email_index)
        subscription_change(
            subscriber=subscriber,
            topics=dict.fromkeys(Topic, False),
            channel=channel,
            actor=actor,
            note=note,
            campaign_id=campaign_id,
        )
        suppression_add_index(
            subscriber.email_index,
            reason=SuppressionReason.UNSUBSCRIBED,
            subscriber=subscriber,
            channel=channel,
            actor=actor,
        )
