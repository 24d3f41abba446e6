"""Marketing subscriptions (P8, P13): the address, its history, and the do-not-mail hashes."""

from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from subscriptions.models import Subscriber, Subscription, SubscriptionEvent, Suppression

OFFERS = (Purpose.OFFERS,)

declare(
    Subscriber,
    subject="user",
    fields=[
        PersonalField(
            "email",
            Category.CONTACT,
            OFFERS,
            Mask.EMAIL,
            Retention.SUBSCRIPTION_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "email_index",
            Category.CONTACT,
            OFFERS,
            Mask.HIDDEN,
            Retention.SUBSCRIPTION_LIFETIME,
            Erasure.DELETE,
            index_of="email",
        ),
    ],
)

# Which topics the address receives: part of the person's download, and deleted with
# the subscriber row on erasure.
declare(Subscription, subject="subscriber__user", fields=[])

declare(
    SubscriptionEvent,
    subject="subscriber__user",
    fields=[
        # What a person said when staff took their opt-out by phone or in person.
        PersonalField(
            "note",
            Category.CONTACT,
            OFFERS,
            Mask.TEXT,
            Retention.SUBSCRIPTION_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
)

declare(
    Suppression,
    fields=[
        # A keyed hash that can only be matched against an address already known; kept
        # so an address that asked never to be mailed is not mailed after erasure either.
        PersonalField(
            "address_index",
            Category.CONTACT,
            OFFERS,
            Mask.HIDDEN,
            Retention.SUPPRESSION,
            Erasure.KEEP_FOR_LAW,
        ),
    ],
)
