"""P8, P13: double opt-in, purge, suppression, provider events, and who may switch what on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.utils import timezone

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from mail.models import MailKind, OutboxMessage
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SubscriptionEvent,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.services import (
    OptOutChannelInvalid,
    audience_filter,
    footer_subscribe,
    is_suppressed,
    opt_out_record,
    subscriber_for_user,
    subscription_change,
    subscription_confirm,
    subscriptions_choose_at_registration,
    suppression_add,
    unconfirmed_purge,
)
from subscriptions.tests.factories import (
    ConfirmedSubscriberFactory,
    CustomerSubscriberFactory,
    SubscriberFactory,
)
from subscriptions.tokens import confirmation_token

pytestmark = pytest.mark.django_db


def _audience(topic: Topic) -> set[int]:
    return set(Subscriber.objects.filter(audience_filter(topic)).values_list("pk", flat=True))


def _active(subscriber: Subscriber) -> set[str]:
    return set(
        Subscription.objects.filter(subscriber=subscriber, active=True).values_list(
            "topic", flat=True
        )
    )


def _confirmations() -> int:
    return OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).count()


# Double opt-in from the footer.


def test_p8_footer_double_opt_in_mails_exactly_one_confirmation():
    footer_subscribe(email="Drita@Example.al", topics=[], language="sq")
    subscriber = Subscriber.objects.get()
    assert _confirmations() == 1
    assert OutboxMessage.objects.count() == 1
    assert _active(subscriber) == {Topic.NEWSLETTER}
    assert subscriber.pk not in _audience(Topic.NEWSLETTER)
    subscription_confirm(token=confirmation_token(subscriber.public_id))
    assert subscriber.pk in _audience(Topic.NEWSLETTER)
    # confirming sends nothing more
    assert OutboxMessage.objects.count() == 1


def test_p8_a_stranger_cannot_switch_topics_on_for_a_confirmed_address():
    # given a confirmed subscriber who turned the offers off
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.NEWSLETTER])
    # when anyone types that address in the footer, asking for offers
    footer_subscribe(email=subscriber.email, topics=[Topic.OFFERS], language="sq")
    # then nothing reaches the mailbox it did not ask for
    assert _active(subscriber) == {Topic.NEWSLETTER}
    assert subscriber.pk not in _audience(Topic.OFFERS)


def test_p8_a_stranger_cannot_subscribe_a_customer_from_the_footer():
    subscriber = CustomerSubscriberFactory()  # verified account, no topics
    footer_subscribe(email=subscriber.email, topics=[Topic.OFFERS], language="sq")
    assert _active(subscriber) == set()
    assert subscriber.pk not in _audience(Topic.OFFERS)
    # the mailbox is asked, and confirming still switches nothing on by itself
    subscription_confirm(token=confirmation_token(subscriber.public_id))
    assert subscriber.pk not in _audience(Topic.OFFERS)


def test_p8_an_unconfirmed_footer_wish_does_not_pass_to_an_account_with_that_address():
    # a stranger typed the address; the owner registers later and ticks only the newsletter
    footer_subscribe(email="arta@example.al", topics=[Topic.OFFERS], language="sq")
    user = UserFactory(email="arta@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.NEWSLETTER])
    subscriber = Subscriber.objects.get(user=user)
    assert _active(subscriber) == {Topic.NEWSLETTER}
    assert subscriber.pk in _audience(Topic.NEWSLETTER)
    assert subscriber.pk not in _audience(Topic.OFFERS)


def test_p8_an_unverified_account_does_not_inherit_a_confirmed_visitor_row():
    visitor = ConfirmedSubscriberFactory(email="besa@example.al", topics=[Topic.NEWSLETTER])
    # someone registers with that address and ticks offers, without verifying it
    user = UnverifiedUserFactory(email="besa@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.OFFERS])
    visitor.refresh_from_db()
    assert visitor.user == user
    assert visitor.pk not in _audience(Topic.OFFERS)
    # once the mailbox owner verifies the account, its choices hold
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    assert visitor.pk in _audience(Topic.OFFERS)


def test_p8_registration_with_no_box_ticked_creates_nothing():
    user = UserFactory()
    subscriptions_choose_at_registration(user=user, topics=[])
    assert not Subscriber.objects.exists()
    assert not SubscriptionEvent.objects.exists()


# Purge of unconfirmed visitors.


def test_p8_unconfirmed_purge_deletes_only_week_old_unconfirmed_visitors():
    old_visitor = SubscriberFactory(topics=[Topic.NEWSLETTER])
    new_visitor = SubscriberFactory(topics=[Topic.NEWSLETTER])
    old_confirmed = ConfirmedSubscriberFactory(topics=[Topic.NEWSLETTER])
    old_customer = CustomerSubscriberFactory(topics=[Topic.OFFERS])
    eight_days_ago = timezone.now() - timedelta(days=8)
    Subscriber.objects.filter(pk__in=[old_visitor.pk, old_confirmed.pk, old_customer.pk]).update(
        created_at=eight_days_ago
    )
    assert unconfirmed_purge(dry_run=True) == 1
    assert Subscriber.objects.count() == 4
    assert unconfirmed_purge() == 1
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {
        new_visitor.pk,
        old_confirmed.pk,
        old_customer.pk,
    }
    assert not Subscription.objects.filter(subscriber_id=old_visitor.pk).exists()
    # running it again deletes nothing more
    assert unconfirmed_purge() == 0


# Suppression.


def test_p13_suppression_survives_a_new_registration_with_the_same_address():
    suppression_add(
        email="Klea@Example.al", reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE
    )
    user = UserFactory(email="klea@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.OFFERS])
    assert is_suppressed("klea@example.al") and is_suppressed(" KLEA@example.al ")
    assert Suppression.objects.get().reason == SuppressionReason.HARD_BOUNCE
    subscriber = Subscriber.objects.get(user=user)
    sendable = (
        Subscriber.objects.filter(audience_filter(Topic.OFFERS))
        .exclude(email_index__in=Suppression.objects.values("address_index"))
        .filter(pk=subscriber.pk)
    )
    assert not sendable.exists()


def test_p13_suppression_add_is_idempotent_and_recorded_once():
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    assert suppression_add(
        email=subscriber.email, reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
    )
    assert not suppression_add(
        email=subscriber.email, reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
    )
    assert (
        SubscriptionEvent.objects.filter(
            subscriber=subscriber, action=SubscriptionAction.SUPPRESSED
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("event_type", "reason"),
    [
        (EventType.BOUNCED, SuppressionReason.HARD_BOUNCE),
        (EventType.REJECTED, SuppressionReason.HARD_BOUNCE),
        (EventType.COMPLAINED, SuppressionReason.COMPLAINT),
    ],
)
def test_p13_provider_bounce_or_complaint_suppresses_the_address(event_type, reason):
    subscriber = ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.OFFERS])
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient="Gent@Example.al"),
        esp_name="Test",
    )
    assert is_suppressed("gent@example.al")
    assert Suppression.objects.get().reason == reason
    assert SubscriptionEvent.objects.filter(
        subscriber=subscriber, action=SubscriptionAction.SUPPRESSED
    ).exists()


@pytest.mark.parametrize("event_type", [EventType.DEFERRED, EventType.DELIVERED, EventType.OPENED])
def test_p13_provider_events_that_say_nothing_about_the_address_suppress_nothing(event_type):
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient="gent@example.al"),
        esp_name="Test",
    )
    assert not Suppression.objects.exists()


# Staff-recorded opt-outs and choices.


def test_p13_opt_out_record_refuses_a_channel_staff_did_not_hear_it_on(customer):
    subscriber = subscriber_for_user(customer)
    subscription_change(
        subscriber=subscriber, topics={Topic.OFFERS: True}, channel=Channel.ACCOUNT, actor=customer
    )
    for channel in (Channel.ONE_CLICK, Channel.ACCOUNT, Channel.SYSTEM):
        with pytest.raises(OptOutChannelInvalid):
            opt_out_record(person=customer, channel=channel, note="", actor=customer)
    assert _active(subscriber) == {Topic.OFFERS}


def test_p13_opt_out_of_one_topic_keeps_the_others_and_does_not_suppress(customer):
    from staff.roles import Role
    from staff.tests.factories import StaffFactory

    care = StaffFactory(role=Role.CUSTOMER_CARE)
    subscriber = subscriber_for_user(customer)
    subscription_change(
        subscriber=subscriber,
        topics={Topic.OFFERS: True, Topic.NEWSLETTER: True},
        channel=Channel.ACCOUNT,
        actor=customer,
    )
    opt_out_record(
        person=customer,
        channel=Channel.IN_PERSON,
        note="Në dyqan",
        actor=care,
        topics=[Topic.OFFERS],
    )
    assert _active(subscriber) == {Topic.NEWSLETTER}
    assert not is_suppressed(customer.email)
    event = SubscriptionEvent.objects.get(channel=Channel.IN_PERSON)
    assert (event.actor, event.note, event.topic) == (care, "Në dyqan", Topic.OFFERS)


@pytest.mark.django_db
def test_p8_the_daily_purge_deletes_week_old_unconfirmed_sign_ups_and_queues_tomorrow():
    from django_tasks_db.models import DBTaskResult

    from core.testing import run_tasks
    from subscriptions.tasks import purge_unconfirmed_subscribers

    old = Subscriber.objects.create(email="vjeter@example.al")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = Subscriber.objects.create(email="e-re@example.al")
    purge_unconfirmed_subscribers.enqueue()
    run_tasks()
    assert list(Subscriber.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert DBTaskResult.objects.filter(
        task_path=purge_unconfirmed_subscribers.module_path, status="READY"
    ).exists()
