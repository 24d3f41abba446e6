from __future__ import annotations

from collections.abc import Iterable

import factory
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from campaigns.models import Campaign
from subscriptions.models import Channel, Subscriber, Topic
from subscriptions.services import subscriber_for_user, subscription_change


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    topic = Topic.OFFERS
    name = factory.Sequence(lambda n: f"Fushata {n}")
    subject_sq = "Ofertat e javës: televizorë me 20% zbritje"
    body_sq = (
        "## Ulje çmimesh\n\nZgjidhni **televizorin** tuaj të ri. [Shikoni](https://3vfejzo.al/)"
    )
    subject_en = ""
    body_en = ""


def subscribed_customer(
    topics: Iterable[Topic] = (Topic.OFFERS,), *, user: User | None = None, **fields: object
) -> Subscriber:
    """A customer with a verified address who ticked the given topics."""
    user = user or UserFactory(**fields)
    subscriber = subscriber_for_user(user)
    subscription_change(
        subscriber=subscriber,
        topics=dict.fromkeys(topics, True),
        channel=Channel.REGISTRATION,
        actor=user,
    )
    return subscriber


def confirmed_visitor(email: str, topics: Iterable[Topic] = (Topic.OFFERS,)) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, confirmed_at=timezone.now())
    subscription_change(
        subscriber=subscriber,
        topics=dict.fromkeys(topics, True),
        channel=Channel.FOOTER_FORM,
        actor=None,
    )
    return subscriber
