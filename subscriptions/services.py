"""Subscription writes: choose, confirm, unsubscribe, record an opt-out, suppress (P8, P13).

Every change appends a SubscriptionEvent in the same transaction: who, which channel,
which topic. Unsubscribing takes effect when the transaction commits; the campaign
engine checks the same rows in the statement that commits each message as sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User, normalise_email
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.crypto import blind_index
from subscriptions.models import (
    ADDRESS_INDEX_PURPOSE,
    STAFF_CHANNELS,
    Channel,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SubscriptionEvent,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.tokens import (
    confirmation_public_id,
    confirmation_token,
    preferences_token,
    unsubscribe_token,
    unsubscribe_token_read,
)


class OptOutChannelInvalid(ValueError):
    """A staff-recorded opt-out must say how the person told us (P13)."""


class SubscriberUnavailable(PermissionDenied):
    """The account's address has a subscription the account may not take or change."""


class AddressNotVerified(SubscriberUnavailable):
    """The account has not verified its address, and a row with it exists that is not its own.

    Anyone can register with someone else's address: until the mailbox is proven, that
    row stays its owner's, unchanged and unseen by the account.
    """


class AddressHeldByAnotherAccount(SubscriberUnavailable):
    """Another account's subscription holds this address (one address, one row)."""


# Suppressions that only the mailbox could have caused and no confirmation can lift:
# nothing, not even a confirmation request, is mailed to these addresses.
PERMANENT_SUPPRESSIONS = (SuppressionReason.HARD_BOUNCE, SuppressionReason.COMPLAINT)
# One double opt-in mail a day at most, however often the address is typed in the footer.
CONFIRMATION_RESEND_AFTER = timedelta(hours=24)


def address_index(email: str) -> str:
    """Return the keyed hash that stands for an address in subscriptions and suppression."""
    return blind_index(normalise_email(email), purpose=ADDRESS_INDEX_PURPOSE)


def _actor_label(actor: Any | None) -> str:
    if actor is None:
        return ""
    if getattr(actor, "is_staff", False):
        return str(actor.get_full_name() or actor.pk)[:80]
    return ""


def _event(
    subscriber: Subscriber | None,
    *,
    action: SubscriptionAction,
    channel: Channel,
    actor: Any | None,
    topic: Topic | str = "",
    note: str = "",
    campaign_id: int | None = None,
) -> SubscriptionEvent:
    return SubscriptionEvent.objects.create(
        subscriber=subscriber,
        topic=topic,
        action=action,
        channel=channel,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        note=note,
        campaign_id=campaign_id,
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def preferences_url(subscriber: Subscriber) -> str:
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


def subscription_change(
    *,
    subscriber: Subscriber,
    topics: dict[Topic, bool],
    channel: Channel,
    actor: Any | None,
    note: str = "",
    campaign_id: int | None = None,
) -> list[Topic]:
    """Set the listed topics on or off; return the topics that actually changed."""
    changed: list[Topic] = []
    with transaction.atomic():
        current = {
            row.topic: row
            for row in Subscription.objects.select_for_update().filter(subscriber=subscriber)
        }
        for topic, wanted in topics.items():
            row = current.get(topic)
            if row is not None and row.active == wanted:
                continue
            if row is None and not wanted:
                continue
            if row is None:
                Subscription.objects.create(subscriber=subscriber, topic=topic, active=True)
            else:
                row.active = wanted
                row.save(update_fields=["active", "changed_at"])
            _event(
                subscriber,
                action=SubscriptionAction.SUBSCRIBED if wanted else SubscriptionAction.UNSUBSCRIBED,
                channel=channel,
                actor=actor,
                topic=topic,
                note=note,
                campaign_id=campaign_id,
            )
            changed.append(topic)
        if any(topics.values()) and _asked_from_own_mailbox(subscriber, channel=channel):
            # The person asked for mail again themselves, from their own mailbox's link
            # or their verified account: a past "unsubscribe from all" no longer stands.
            _unsuppress(subscriber, reasons=[SuppressionReason.UNSUBSCRIBED], channel=channel)
    return changed


def _asked_from_own_mailbox(subscriber: Subscriber, *, channel: Channel) -> bool:
    """Whether a change on this channel proves the mailbox: its link, or a verified account."""
    if channel == Channel.PREFERENCE_PAGE:
        return True
    if channel == Channel.ACCOUNT:
        return subscriber.user is not None and subscriber.user.email_verified
    return False


def subscriptions_choose_at_registration(*, user: User, topics: Iterable[Topic]) -> None:
    """Record the boxes ticked at registration (none are ticked by default).

    When the address already has a row the new account may not take (see
    `subscriber_for_user`), the ticks are a wish as if typed in the footer: the mailbox
    is asked, and they switch on only if its owner confirms them.
    """
    chosen = list(topics)
    if not chosen:
        return
    try:
        subscriber = subscriber_for_user(user)
    except SubscriberUnavailable:
        footer_subscribe(email=user.email, topics=chosen, language=user.language)
        return
    subscription_change(
        subscriber=subscriber,
        topics=dict.fromkeys(chosen, True),
        channel=Channel.REGISTRATION,
        actor=user,
    )


def footer_subscribe(*, email: str, topics: Iterable[Topic], language: str) -> None:
    """Start a double opt-in: record the wish, mail a confirmation link, send nothing else.

    The answer is the same whether the address is new, known or suppressed, so the form
    tells nobody which addresses are on the list. Typing an address again mails it at
    most once a day, and an address that bounced or complained is never mailed.
    """
    chosen = list(topics) or [Topic.NEWSLETTER]
    index = address_index(email)
    with transaction.atomic():
        suppression = Suppression.objects.filter(address_index=index).first()
        if suppression is not None and suppression.reason in PERMANENT_SUPPRESSIONS:
            # Confirming could never lift it: keep no row and mail nothing.
            return
        subscriber = Subscriber.objects.select_for_update().filter(email_index=index).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=normalise_email(email), language=language
                    )
            except IntegrityError:
                subscriber = Subscriber.objects.select_for_update().get(email_index=index)
        suppressed = suppression is not None
        # Anyone can type any address here. The wish is recorded only where it cannot
        # reach the mailbox before its owner confirms it with the link: a visitor's row
        # not confirmed yet, or one on the suppression list. An account's row, or a
        # confirmed one, is changed from the account or the preference page instead.
        if subscriber.user_id is None and (subscriber.confirmed_at is None or suppressed):
            subscription_change(
                subscriber=subscriber,
                topics=dict.fromkeys(chosen, True),
                channel=Channel.FOOTER_FORM,
                actor=None,
            )
        if subscriber.confirmed_at is None or suppressed:
            _confirmation_send(subscriber, topics=chosen)


def _confirmation_send(subscriber: Subscriber, *, topics: list[Topic]) -> None:
    """Mail the double opt-in link unless one went to this subscriber in the last day.

    The caller holds the row's lock, so two sign-ups at once mail one link.
    """
    now = timezone.now()
    sent_at = subscriber.confirmation_sent_at
    if sent_at is not None and now - sent_at < CONFIRMATION_RESEND_AFTER:
        return
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at"])
    with translation.override(subscriber.language):
        path = reverse("subscriptions:confirm", args=[confirmation_token(subscriber.public_id)])
    mail_enqueue(
        kind=MailKind.SUBSCRIPTION_CONFIRM,
        to_address=subscriber.email,
        language=subscriber.language,
        context={
            "confirm_url": _absolute(path),
            "topics": [Topic(topic).label for topic in topics],
            "valid_days": settings.SUBSCRIPTION_UNCONFIRMED_DAYS,
        },
    )


def subscription_confirm(*, token: str) -> Subscriber | None:
    """Confirm a footer sign-up from the link mailed to the address; None if not valid."""
    public_id = confirmation_public_id(token)
    if public_id is None:
        return None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(public_id=public_id).first()
        if subscriber is None:
            return None
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["confirmed_at"])
            _event(
                subscriber,
                action=SubscriptionAction.CONFIRMED,
                channel=Channel.EMAIL_CONFIRMATION,
                actor=None,
            )
        # Confirming from one's own mailbox is a fresh, explicit wish for mail.
        _unsuppress(
            subscriber,
            reasons=[SuppressionReason.UNSUBSCRIBED],
            channel=Channel.EMAIL_CONFIRMATION,
        )
    return subscriber


def unsubscribe_one_click(*, token: str) -> None:
    """Act on an RFC 8058 POST: stop the list the message came from, at once.

    Unknown, erased or forged tokens are accepted silently: the answer never reveals
    whether an address is or was subscribed.
    """
    parsed = unsubscribe_token_read(token)
    if parsed is None:
        return
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(public_id=parsed.public_id).first()
        if subscriber is None:
            return
        topics = [parsed.topic] if parsed.topic else list(Topic)
        subscription_change(
            subscriber=subscriber,
            topics=dict.fromkeys(topics, False),
            channel=Channel.ONE_CLICK,
            actor=None,
            campaign_id=parsed.campaign_id,
        )


def unsubscribe_all(
    *,
    subscriber: Subscriber,
    channel: Channel,
    actor: Any | None,
    note: str = "",
    campaign_id: int | None = None,
) -> None:
    """Stop every topic and put the address on the suppression list (a global unsubscribe)."""
    with transaction.atomic():
        # The subscriber row before the subscription rows, the order the campaign engine
        # takes them in, so this and a message being committed as sent cannot deadlock.
        _address_lock(subscriber.email_index)
        subscription_change(
            subscriber=subscriber,
            topics=dict.fromkeys(Topic, False),
            channel=channel,
            actor=actor,
            note=note,
            campaign_id=campaign_id,
        )
        _suppress_index(
            subscriber.email_index,
            reason=SuppressionReason.UNSUBSCRIBED,
            subscriber=subscriber,
            channel=channel,
            actor=actor,
            note=note,
        )


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
            _suppress_index(
                address_index(person),
                reason=SuppressionReason.UNSUBSCRIBED,
                subscriber=None,
                channel=channel,
                actor=actor,
                note=note,
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


def is_suppressed_index(index: str) -> bool:
    return Suppression.objects.filter(address_index=index).exists()


def is_suppressed(email: str) -> bool:
    return is_suppressed_index(address_index(email))


def _address_lock(index: str) -> Subscriber | None:
    """Lock the subscriber row with this address, if any, until the transaction ends.

    The campaign engine holds the row FOR SHARE while it commits a message as sent, so
    a suppression either waits for that commit or is seen by it. FOR NO KEY UPDATE
    conflicts with FOR SHARE but lets rows that refer to the subscriber be inserted.
    """
    return Subscriber.objects.select_for_update(no_key=True).filter(email_index=index).first()


def _suppress_index(
    index: str,
    *,
    reason: SuppressionReason,
    subscriber: Subscriber | None,
    channel: Channel,
    actor: Any | None,
    note: str = "",
) -> bool:
    created = False
    with transaction.atomic():
        locked = _address_lock(index)
        _row, created = Suppression.objects.get_or_create(
            address_index=index, defaults={"reason": reason}
        )
        if created:
            _event(
                subscriber or locked,
                action=SubscriptionAction.SUPPRESSED,
                channel=channel,
                actor=actor,
            )
    return created


def suppression_add(*, email: str, reason: SuppressionReason, channel: Channel) -> bool:
    """Never mail this address marketing again (hard bounce, complaint); True if new."""
    return _suppress_index(
        address_index(email), reason=reason, subscriber=None, channel=channel, actor=None
    )


def _unsuppress(
    subscriber: Subscriber, *, reasons: list[SuppressionReason], channel: Channel
) -> None:
    removed, _detail = Suppression.objects.filter(
        address_index=subscriber.email_index, reason__in=reasons
    ).delete()
    if removed:
        _event(subscriber, action=SubscriptionAction.UNSUPPRESSED, channel=channel, actor=None)


def unconfirmed_purge(*, now: Any | None = None, dry_run: bool = False) -> int:
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


def audience_filter(topic: Topic) -> Q:
    """The subscribers a campaign on `topic` may reach: Subscriber rows, as a Q."""
    return (
        Q(
            subscriptions__topic=topic,
            subscriptions__active=True,
        )
        & (Q(confirmed_at__isnull=False) | Q(user__email_verified_at__isnull=False))
        & ~Q(user__is_active=False)
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
