"""The suppression list: addresses never mailed marketing again, kept as keyed hashes (P13).

A hard bounce, a complaint, an unsubscribe from everything and an erasure put an address
here; only the mailbox's owner asking for mail again takes an unsubscribe off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from mail.signals import DeliveryFeedback
from subscriptions.models import (
    Channel,
    Subscriber,
    SubscriptionAction,
    Suppression,
    SuppressionReason,
)
from subscriptions.selectors import address_index
from subscriptions.services.events import event_record


def address_lock(index: str) -> Subscriber | None:
    """Lock the subscriber row with this address, if any, until the transaction ends.

    The campaign engine holds the row FOR SHARE while it commits a message as sent, so
    a suppression either waits for that commit or is seen by it. FOR NO KEY UPDATE
    conflicts with FOR SHARE but lets rows that refer to the subscriber be inserted.
    """
    return Subscriber.objects.select_for_update(no_key=True).filter(email_index=index).first()


def suppression_add_index(
    index: str,
    *,
    reason: SuppressionReason,
    subscriber: Subscriber | None,
    channel: Channel,
    actor: Any | None,
) -> bool:
    """Put the address with this keyed hash on the list; True if it was not on it yet."""
    created = False
    with transaction.atomic():
        locked = address_lock(index)
        _row, created = Suppression.objects.get_or_create(
            address_index=index, defaults={"reason": reason}
        )
        if created:
            event_record(
                subscriber or locked,
                action=SubscriptionAction.SUPPRESSED,
                channel=channel,
                actor=actor,
            )
    return created


def suppression_add(*, email: str, reason: SuppressionReason, channel: Channel) -> bool:
    """Never mail this address marketing again (hard bounce, complaint); True if new."""
    return suppression_add_index(
        address_index(email), reason=reason, subscriber=None, channel=channel, actor=None
    )


def suppression_lift(
    subscriber: Subscriber, *, reasons: list[SuppressionReason], channel: Channel
) -> None:
    """Take the subscriber's address off the list if it is there for one of `reasons`."""
    removed, _detail = Suppression.objects.filter(
        address_index=subscriber.email_index, reason__in=reasons
    ).delete()
    if removed:
        event_record(
            subscriber, action=SubscriptionAction.UNSUPPRESSED, channel=channel, actor=None
        )


def suppression_keep_for_erasure(*, user_ids: Iterable[int], emails: Iterable[str]) -> int:
    """Put the addresses these people subscribed with on the suppression list.

    Erasing a person deletes their subscriptions, the account's and any made with their
    address without it (the footer sign-up); the keyed hash is what remains, so an
    address that asked to be forgotten is not mailed marketing again (P12, P13).
    Return how many hashes were added.
    """
    by_address = [address_index(email) for email in emails if email]
    indexes = list(
        Subscriber.objects.select_for_update(no_key=True)
        .filter(Q(user_id__in=list(user_ids)) | Q(email_index__in=by_address))
        .exclude(email_index="")
        .values_list("email_index", flat=True)
    )
    known = set(
        Suppression.objects.filter(address_index__in=indexes).values_list(
            "address_index", flat=True
        )
    )
    Suppression.objects.bulk_create(
        [
            Suppression(address_index=index, reason=SuppressionReason.UNSUBSCRIBED)
            for index in indexes
            if index not in known
        ],
        ignore_conflicts=True,
    )
    return len(set(indexes) - known)


# What mail's delivery feedback says about an address, as a suppression and its channel.
_FEEDBACK = {
    DeliveryFeedback.HARD_BOUNCE: (SuppressionReason.HARD_BOUNCE, Channel.BOUNCE),
    DeliveryFeedback.COMPLAINT: (SuppressionReason.COMPLAINT, Channel.COMPLAINT),
    DeliveryFeedback.UNSUBSCRIBE: (SuppressionReason.UNSUBSCRIBED, Channel.ONE_CLICK),
}


def suppression_from_feedback(*, email: str, feedback: DeliveryFeedback) -> bool:
    """Suppress an address a delivery proved bad, or whose owner complained or unsubscribed.

    The one way a bounce or complaint becomes a suppression, whether our own SMTP
    delivery saw it or the email provider's webhook reported it. True if new.
    """
    reason, channel = _FEEDBACK[feedback]
    return suppression_add(email=email, reason=reason, channel=channel)
