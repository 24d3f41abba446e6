"""The staff tool: an opt-out a person told us by phone, in person or by email (P13)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accounts.models import User
from core.clauses import enforces
from subscriptions.models import STAFF_CHANNELS, Channel, Subscriber, SuppressionReason, Topic
from subscriptions.selectors import address_index
from subscriptions.services.preferences import subscription_change
from subscriptions.services.subscribers import SubscriberUnavailable, subscriber_for_user
from subscriptions.services.suppression import suppression_add_index
from subscriptions.services.unsubscribe import unsubscribe_all


class OptOutChannelInvalid(ValueError):
    """A staff-recorded opt-out must say how the person told us (P13)."""


@enforces("P13", "staff record an opt-out received by phone or in person")
def opt_out_record(
    *,
    person: User | Subscriber | str,
    channel: Channel,
    note: str,
    actor: User,
    topics: Iterable[Topic] | None = None,
) -> None:
    """Record an opt-out a person told staff by phone, in person or by email (P13).

    `person` is a customer's account, a visitor's subscription, or an address we hold
    nothing for (it goes on the suppression list, so it is never mailed marketing). It
    takes effect when this returns: the next send, and every message of a running
    campaign not yet sent, checks these rows.
    """
    if channel not in STAFF_CHANNELS:
        raise OptOutChannelInvalid(channel)
    chosen = list(topics) if topics is not None else list(Topic)
    with transaction.atomic():
        if isinstance(person, str):
            suppression_add_index(
                address_index(person),
                reason=SuppressionReason.UNSUBSCRIBED,
                subscriber=None,
                channel=channel,
                actor=actor,
            )
            return
        if isinstance(person, User):
            try:
                subscriber = subscriber_for_user(person)
            except SubscriberUnavailable:
                # The address's row is a visitor's (or another account's) that this account
                # may not take over; the person's wish still stands for the address.
                held = Subscriber.objects.filter(email_index=address_index(person.email)).first()
                if held is None:
                    return opt_out_record(
                        person=person.email, channel=channel, note=note, actor=actor
                    )
                subscriber = held
        else:
            subscriber = person
        if set(chosen) == set(Topic):
            unsubscribe_all(subscriber=subscriber, channel=channel, actor=actor, note=note)
        else:
            subscription_change(
                subscriber=subscriber,
                topics=dict.fromkeys(chosen, False),
                channel=channel,
                actor=actor,
                note=note,
            )
