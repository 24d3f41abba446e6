"""Signed, opaque links for marketing mail: preferences, one-click unsubscribe, confirmation.

A token names a subscriber by its random `public_id`, never by address or key, and is
signed with the site's secret (salted HMAC, constant-time check, django.core.signing).
Preference and unsubscribe links do not expire: RFC 8058 asks that the link in an old
message still works. A leaked unsubscribe link can only stop marketing mail, but
whoever holds a preference link can change the topics, switching mail on as well as
off. A global unsubscribe is lifted there only when someone ticks a topic and saves,
never by opening the link, and the page shows the address masked, never in full.
The double opt-in link expires with the unconfirmed sign-up it confirms.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from subscriptions.models import Topic

_PREFERENCES_SALT = "subscriptions.preferences"
_UNSUBSCRIBE_SALT = "subscriptions.one-click"
_CONFIRM_SALT = "subscriptions.confirm"


@dataclass(frozen=True)
class UnsubscribeToken:
    public_id: str
    topic: Topic | None
    campaign_id: int | None


def preferences_token(public_id: str) -> str:
    return signing.Signer(salt=_PREFERENCES_SALT).sign(public_id)


def preferences_public_id(token: str) -> str | None:
    try:
        return signing.Signer(salt=_PREFERENCES_SALT).unsign(token)
    except signing.BadSignature:
        return None


def unsubscribe_token(public_id: str, *, topic: Topic | None, campaign_id: int | None) -> str:
    payload = f"{public_id}.{topic or ''}.{campaign_id or ''}"
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(payload)


def unsubscribe_token_read(token: str) -> UnsubscribeToken | None:
    try:
        payload = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token)
        public_id, topic, campaign = payload.split(".")
        return UnsubscribeToken(
            public_id=public_id,
            topic=Topic(topic) if topic else None,
            campaign_id=int(campaign) if campaign else None,
        )
    except (signing.BadSignature, ValueError):
        return None


def confirmation_token(public_id: str) -> str:
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign(public_id)


def confirmation_public_id(token: str) -> str | None:
    try:
        return signing.TimestampSigner(salt=_CONFIRM_SALT).unsign(
            token, max_age=settings.SUBSCRIPTION_UNCONFIRMED_DAYS * 24 * 60 * 60
        )
    except signing.BadSignature:
        return None
