"""Subscribers as the services leave them: a visitor, a confirmed visitor, a customer."""

from __future__ import annotations

from collections.abc import Iterable

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SubscriptionEvent,
    Topic,
)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A visitor who typed an address in the footer and has not confirmed it yet.

    `topics=[...]` switches those topics on, with the history the footer would leave.
    """

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"abonent{n}@example.al")
    confirmed_at = None

    @factory.post_generation
    def topics(  # type: ignore[misc]
        obj: Subscriber, create: bool, extracted: Iterable[Topic] | None, **kwargs: object
    ) -> None:
        if not create or not extracted:
            return
        for topic in extracted:
            SubscriptionFactory(subscriber=obj, topic=topic)
            SubscriptionEventFactory(subscriber=obj, topic=topic, channel=Channel.FOOTER_FORM)


class ConfirmedSubscriberFactory(SubscriberFactory):
    """A visitor who confirmed the address with the link in the mail."""

    confirmed_at = factory.LazyFunction(timezone.now)


class CustomerSubscriberFactory(SubscriberFactory):
    """A customer's row: the account's address, reachable once the account is verified."""

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda subscriber: subscriber.user.email)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    topic = Topic.NEWSLETTER
    active = True


class SubscriptionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubscriptionEvent

    subscriber = factory.SubFactory(SubscriberFactory)
    topic = Topic.NEWSLETTER
    action = SubscriptionAction.SUBSCRIBED
    channel = Channel.FOOTER_FORM
