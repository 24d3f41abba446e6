"""The absolute addresses of the links marketing mail carries: preferences, unsubscribe, confirm.

Each names its subscriber by a signed token (subscriptions.tokens), in the subscriber's
language, so the page opens in the language the mail was written in.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from subscriptions.models import Subscriber, Topic
from subscriptions.tokens import confirmation_token, preferences_token, unsubscribe_token


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def preferences_url(subscriber: Subscriber) -> str:
    """Return the address of the subscriber's preference page."""
    with translation.override(subscriber.language):
        path = reverse("subscriptions:preferences", args=[preferences_token(subscriber.public_id)])
    return _absolute(path)


def unsubscribe_url(
    subscriber: Subscriber | str,
    *,
    topic: Topic | None,
    campaign_id: int | None = None,
    language: str | None = None,
) -> str:
    """The RFC 8058 one-click address: a POST unsubscribes, a GET shows a button."""
    if isinstance(subscriber, Subscriber):
        public_id, language = subscriber.public_id, subscriber.language
    else:
        public_id = subscriber
    token = unsubscribe_token(public_id, topic=topic, campaign_id=campaign_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse("subscriptions:unsubscribe", args=[token])
    return _absolute(path)


def confirmation_url(subscriber: Subscriber) -> str:
    """Return the double opt-in link that confirms a footer sign-up."""
    with translation.override(subscriber.language):
        path = reverse("subscriptions:confirm", args=[confirmation_token(subscriber.public_id)])
    return _absolute(path)
