"""Which subscriber row is an account's: one address, one row, passed on only once proven."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import User
from subscriptions.models import Channel, Subscriber, Subscription, Topic
from subscriptions.selectors import address_index
from subscriptions.services.preferences import subscription_change

logger = logging.getLogger(__name__)


class SubscriberUnavailable(PermissionDenied):
    """The account's address has a subscription the account may not take or change."""


class AddressNotVerified(SubscriberUnavailable):
    """The account has not verified its address, and a row with it exists that is not its own.

    Anyone can register with someone else's address: until the mailbox is proven, that
    row stays its owner's, unchanged and unseen by the account.
    """


class AddressHeldByAnotherAccount(SubscriberUnavailable):
    """Another account's subscription holds this address (one address, one row)."""


def subscriber_for_user(user: User) -> Subscriber:
    """Return the customer's subscriber row, creating it and keeping its address current.

    A visitor's row with the account's address (a footer sign-up) passes to the account
    only once the account has verified that address: raise AddressNotVerified before,
    and AddressHeldByAnotherAccount when another account's row has the address.
    """
    index = address_index(user.email)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(user=user).first()
        if subscriber is None:
            return _subscriber_claim(user, index=index)
        if subscriber.email_index != index:
            if Subscriber.objects.filter(email_index=index).exclude(pk=subscriber.pk).exists():
                raise AddressHeldByAnotherAccount
            subscriber.email = user.email
            subscriber.save(update_fields=["email", "email_index"])
        return subscriber


def visitor_subscriber_claim(*, user: User) -> None:
    """Give the account the footer sign-up under its verified address, before it leaves it (P12).

    The sign-up was found by the address alone: once the address is gone from the
    account, it would belong to nobody, outside the person's download and erasure.
    """
    if not Subscriber.objects.filter(email_index=address_index(user.email), user=None).exists():
        return
    try:
        subscriber_for_user(user)
    except SubscriberUnavailable:
        logger.warning("a footer sign-up stayed a visitor's", extra={"user_id": user.pk})


def subscriber_address_follow(*, user: User) -> None:
    """Move the account's marketing subscription, if it has one, to its new address (P12).

    An account without one gets none: changing the address is no wish for marketing.
    When another row already holds the new address, the subscription keeps the old one,
    which the person also proved theirs; merging the two is for them to choose.
    """
    if not Subscriber.objects.filter(user=user).exists():
        return
    try:
        subscriber_for_user(user)
    except SubscriberUnavailable:
        logger.warning(
            "subscription kept its old address after an email change: the new one has a row",
            extra={"user_id": user.pk},
        )


def _subscriber_claim(user: User, *, index: str) -> Subscriber:
    """Create the account's row, or take over a visitor's row with the same address."""
    holder = Subscriber.objects.select_for_update().filter(email_index=index).first()
    if holder is None:
        try:
            with transaction.atomic():
                return Subscriber.objects.create(
                    user=user, email=user.email, language=user.language
                )
        except IntegrityError:
            # A footer sign-up with this address, or this account's own row, was
            # committed in between: decide again on that row.
            holder = Subscriber.objects.select_for_update().get(email_index=index)
    if holder.user_id == user.pk:
        return holder
    if holder.user_id is not None:
        raise AddressHeldByAnotherAccount
    if not user.email_verified:
        raise AddressNotVerified
    _link_visitor(holder, user=user)
    return holder


def _link_visitor(subscriber: Subscriber, *, user: User) -> None:
    """Give a visitor's row to the verified account with the same address.

    Only what the mailbox owner confirmed passes to the account: topics nobody confirmed
    (anyone can type an address in the footer) are switched off.
    """
    if subscriber.confirmed_at is None:
        unconfirmed = Subscription.objects.filter(subscriber=subscriber, active=True)
        subscription_change(
            subscriber=subscriber,
            topics=dict.fromkeys(
                (Topic(topic) for topic in unconfirmed.values_list("topic", flat=True)), False
            ),
            channel=Channel.SYSTEM,
            actor=None,
        )
    subscriber.user = user
    subscriber.save(update_fields=["user"])
