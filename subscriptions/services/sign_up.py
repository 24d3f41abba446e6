"""Asking for marketing mail: the boxes ticked at registration, and the footer's double opt-in (P8).

A footer sign-up is only a wish until the mailbox's owner confirms it with the link
mailed to the address; nothing else is mailed before that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.email import normalise_email
from mail.models import MailKind
from mail.services import mail_enqueue
from subscriptions.links import confirmation_url
from subscriptions.models import (
    Channel,
    Subscriber,
    SubscriptionAction,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.selectors import address_index
from subscriptions.services.events import event_record
from subscriptions.services.preferences import subscription_change
from subscriptions.services.subscribers import SubscriberUnavailable, subscriber_for_user
from subscriptions.services.suppression import suppression_lift
from subscriptions.tokens import confirmation_public_id

# Suppressions that only the mailbox could have caused and no confirmation can lift:
# nothing, not even a confirmation request, is mailed to these addresses.
PERMANENT_SUPPRESSIONS = (SuppressionReason.HARD_BOUNCE, SuppressionReason.COMPLAINT)
# One double opt-in mail a day at most, however often the address is typed in the footer.
CONFIRMATION_RESEND_AFTER = timedelta(hours=24)


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
    mail_enqueue(
        kind=MailKind.SUBSCRIPTION_CONFIRM,
        to_address=subscriber.email,
        language=subscriber.language,
        context={
            "confirm_url": confirmation_url(subscriber),
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
            event_record(
                subscriber,
                action=SubscriptionAction.CONFIRMED,
                channel=Channel.EMAIL_CONFIRMATION,
                actor=None,
            )
        # Confirming from one's own mailbox is a fresh, explicit wish for mail.
        suppression_lift(
            subscriber,
            reasons=[SuppressionReason.UNSUBSCRIBED],
            channel=Channel.EMAIL_CONFIRMATION,
        )
    return subscriber
