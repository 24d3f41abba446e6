"""Retention of visitor rows: an address kept for no mail is kept for no purpose (P8, P12)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from subscriptions.models import Subscriber, Subscription, SubscriptionEvent


def unconfirmed_purge(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete visitor rows that hold an address for no sending; return how many.

    Two kinds, both without an account, after SUBSCRIPTION_UNCONFIRMED_DAYS:

    - sign-ups never confirmed, counted from the latest confirmation mail, so whoever
      asks again gets the link's full validity;
    - confirmed rows with no topic on for that long: the person unsubscribed from
      everything, and an address kept for no mail is kept for no purpose. What must
      outlive the row does not live on it: the suppression entry is a keyed hash of the
      address, and the history of consent and its withdrawal stays, its subscriber
      emptied.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.SUBSCRIPTION_UNCONFIRMED_DAYS)
    receives_or_changed = Subscription.objects.filter(subscriber=OuterRef("pk")).filter(
        Q(active=True) | Q(changed_at__gte=cutoff)
    )
    never_confirmed = Q(confirmed_at__isnull=True, asked_at__lt=cutoff)
    unsubscribed = Q(confirmed_at__lt=cutoff) & ~Exists(receives_or_changed)
    stale = (
        Subscriber.objects.alias(asked_at=Coalesce("confirmation_sent_at", "created_at"))
        .filter(user__isnull=True)
        .filter(never_confirmed | unsubscribed)
    )
    if dry_run:
        return stale.count()
    with transaction.atomic():
        # Locked, so a sign-up for one of these addresses waits and then starts afresh.
        ids = list(stale.select_for_update().values_list("pk", flat=True))
        # The history outlives the row, emptied of what a person said (it may name them).
        SubscriptionEvent.objects.filter(subscriber_id__in=ids).exclude(note="").update(note="")
        Subscriber.objects.filter(pk__in=ids).delete()
    return len(ids)
