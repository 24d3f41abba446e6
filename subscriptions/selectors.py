"""Subscription reads: who a link names, which topics are on, and what happened (P8, P13).

Also who may be mailed: the audience of a topic and the suppression list, both found by
the keyed hash of an address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import TruncWeek

from accounts.models import User
from core.clauses import enforces
from core.email import normalise_email
from core.weeks import day_start, week_starts
from privacy.crypto import blind_index
from subscriptions.models import (
    ADDRESS_INDEX_PURPOSE,
    STAFF_CHANNELS,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SubscriptionEvent,
    Suppression,
    Topic,
)
from subscriptions.tokens import confirmation_public_id, preferences_public_id

# A person's own choice to receive mail: the latest one says why mail comes to them.
_JOINING = (SubscriptionAction.SUBSCRIBED, SubscriptionAction.CONFIRMED)


def address_index(email: str) -> str:
    """Return the keyed hash that stands for an address in subscriptions and suppression."""
    return blind_index(normalise_email(email), purpose=ADDRESS_INDEX_PURPOSE)


def subscriber_from_preferences_token(token: str) -> Subscriber | None:
    """Return the subscriber a preference link names, or None for a bad or stale link."""
    public_id = preferences_public_id(token)
    if public_id is None:
        return None
    return Subscriber.objects.filter(public_id=public_id).first()


def subscriber_from_confirmation_token(token: str) -> Subscriber | None:
    """Return the subscriber a confirmation link names while the link is valid."""
    public_id = confirmation_public_id(token)
    if public_id is None:
        return None
    return Subscriber.objects.filter(public_id=public_id).first()


def subscriber_of_user(user: User) -> Subscriber | None:
    """Return the customer's subscriber row without creating one.

    A verified account has proven the mailbox, so a visitor row with its address that
    the mailbox confirmed is theirs too; an unconfirmed one may be anyone's wish, and an
    unverified account sees only a row already linked to it.
    """
    subscriber = Subscriber.objects.filter(user=user).first()
    if subscriber is None and user.email_verified:
        subscriber = Subscriber.objects.filter(
            email_index=address_index(user.email), user__isnull=True, confirmed_at__isnull=False
        ).first()
    return subscriber


def topic_states(subscriber: Subscriber | None) -> dict[Topic, bool]:
    """Return every topic with whether this subscriber receives it now (all off for None)."""
    states = dict.fromkeys(Topic, False)
    if subscriber is not None:
        active = Subscription.objects.filter(subscriber=subscriber, active=True)
        for topic in active.values_list("topic", flat=True):
            states[Topic(topic)] = True
    return states


def subscription_history(subscriber: Subscriber | None) -> QuerySet[SubscriptionEvent]:
    """Return the subscriber's changes, newest first."""
    if subscriber is None:
        return SubscriptionEvent.objects.none()
    return SubscriptionEvent.objects.filter(subscriber=subscriber).order_by("-at", "-id")


def subscription_reason(subscriber: Subscriber) -> SubscriptionEvent | None:
    """Return the latest subscribe or confirm: when and where this address asked for mail."""
    return (
        SubscriptionEvent.objects.filter(subscriber=subscriber, action__in=_JOINING)
        .order_by("-at", "-id")
        .first()
    )


def subscribers_with_address(email: str) -> QuerySet[Subscriber]:
    """Return the subscriber with exactly this address, found through its keyed hash."""
    return Subscriber.objects.filter(email_index=address_index(email))


def suppressions_with_address(email: str) -> QuerySet[Suppression]:
    """Return the suppression entry for exactly this address, if there is one."""
    return Suppression.objects.filter(address_index=address_index(email))


def is_suppressed_index(index: str) -> bool:
    """Return whether the address with this keyed hash is on the suppression list."""
    return Suppression.objects.filter(address_index=index).exists()


def is_suppressed(email: str) -> bool:
    """Return whether this address is on the suppression list."""
    return is_suppressed_index(address_index(email))


@enforces("P8", "marketing reaches only confirmed subscribers of the topic")
def audience_filter(topic: Topic) -> Q:
    """Return the subscribers a campaign on `topic` may reach, as a Q over Subscriber rows."""
    return (
        Q(
            subscriptions__topic=topic,
            subscriptions__active=True,
        )
        & (Q(confirmed_at__isnull=False) | Q(user__email_verified_at__isnull=False))
        & ~Q(user__is_active=False)
    )


def subscriber_counts_by_topic() -> dict[Topic, int]:
    """Return, for every topic, how many subscribers a campaign on it would reach now.

    The same rule as a campaign's audience (subscribed, confirmed, not suppressed), in
    one query over all topics: counts only, for the back office's landing page.
    """
    counts = dict(
        Subscription.objects.filter(active=True)
        .filter(
            Q(subscriber__confirmed_at__isnull=False)
            | Q(subscriber__user__email_verified_at__isnull=False)
        )
        .exclude(subscriber__user__is_active=False)
        .exclude(subscriber__email_index__in=Suppression.objects.values("address_index"))
        .values("topic")
        .annotate(count=Count("subscriber", distinct=True))
        .values_list("topic", "count")
    )
    return {topic: counts.get(topic.value, 0) for topic in Topic}


@dataclass(frozen=True)
class SubscriptionWeek:
    """One week's marketing choices, a topic at a time: turned on, turned off (P8, P13)."""

    week: date
    opt_ins: int = 0
    opt_outs: int = 0
    # Of the opt-outs, those a person told staff by phone, in person or by email.
    opt_outs_told_staff: int = 0


def subscription_changes_by_week(*, today: date, weeks: int) -> list[SubscriptionWeek]:
    """Return the opt-ins and opt-outs of the last `weeks` weeks, oldest first, in one query.

    Counted from the history, which outlives the subscribers it names, so an erased or
    purged subscriber's choices still count. A week without changes is there with zeros.
    """
    starts = week_starts(today=today, weeks=weeks)
    opt_out = Q(action=SubscriptionAction.UNSUBSCRIBED)
    rows = (
        SubscriptionEvent.objects.filter(at__gte=day_start(starts[0]))
        .filter(action__in=(SubscriptionAction.SUBSCRIBED, SubscriptionAction.UNSUBSCRIBED))
        .annotate(week=TruncWeek("at", output_field=DateField()))
        .order_by()
        .values("week")
        .annotate(
            opt_ins=Count("pk", filter=Q(action=SubscriptionAction.SUBSCRIBED)),
            opt_outs=Count("pk", filter=opt_out),
            opt_outs_told_staff=Count("pk", filter=opt_out & Q(channel__in=STAFF_CHANNELS)),
        )
    )
    counted = {row.pop("week"): row for row in rows}
    return [SubscriptionWeek(week=start, **counted.get(start, {})) for start in starts]
