"""P8, P13: double opt-in, purge, suppression, provider events, and who may switch what on."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db.models.signals import post_save
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage
from privacy.roles import Role
from staff.tests.factories import StaffFactory
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
from subscriptions.selectors import audience_filter, is_suppressed
from subscriptions.services import (
    AddressHeldByAnotherAccount,
    AddressNotVerified,
    OptOutChannelInvalid,
    footer_subscribe,
    opt_out_record,
    subscriber_for_user,
    subscription_change,
    subscription_confirm,
    subscriptions_choose_at_registration,
    suppression_add,
    unconfirmed_purge,
    unsubscribe_all,
)
from subscriptions.tasks import purge_unconfirmed_subscribers
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


def test_p8_footer_mails_an_address_at_most_one_confirmation_a_day():
    # given an address typed in the footer again and again
    for _ in range(3):
        footer_subscribe(email="drita@example.al", topics=[], language="sq")
    # then one link went out
    subscriber = Subscriber.objects.get()
    assert _confirmations() == 1
    assert subscriber.confirmation_sent_at is not None
    # and a day later asking again mails a fresh one, once
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmation_sent_at=timezone.now() - timedelta(hours=25)
    )
    for _ in range(2):
        footer_subscribe(email="drita@example.al", topics=[], language="sq")
    assert _confirmations() == 2


def test_p13_footer_asks_an_address_that_unsubscribed_from_all_at_most_once_a_day():
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.NEWSLETTER])
    unsubscribe_all(subscriber=subscriber, channel=Channel.PREFERENCE_PAGE, actor=None)
    for _ in range(3):
        footer_subscribe(email=subscriber.email, topics=[Topic.OFFERS], language="sq")
    assert _confirmations() == 1
    assert is_suppressed(subscriber.email)


@pytest.mark.parametrize("reason", [SuppressionReason.HARD_BOUNCE, SuppressionReason.COMPLAINT])
@pytest.mark.parametrize("known", [False, True], ids=["unknown", "known"])
def test_p13_footer_never_mails_an_address_that_bounced_or_complained(reason, known):
    if known:
        ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.NEWSLETTER])
    suppression_add(email="gent@example.al", reason=reason, channel=Channel.BOUNCE)
    before = (
        sorted(Subscriber.objects.values_list("pk", "confirmation_sent_at")),
        sorted(Subscription.objects.values_list("subscriber", "topic", "active")),
        SubscriptionEvent.objects.count(),
    )
    for _ in range(2):
        footer_subscribe(email="Gent@Example.al", topics=[Topic.OFFERS], language="sq")
    assert not OutboxMessage.objects.exists()
    assert Suppression.objects.get().reason == reason
    after = (
        sorted(Subscriber.objects.values_list("pk", "confirmation_sent_at")),
        sorted(Subscription.objects.values_list("subscriber", "topic", "active")),
        SubscriptionEvent.objects.count(),
    )
    assert after == before


def test_p8_an_unconfirmed_footer_wish_does_not_pass_to_an_account_with_that_address():
    # a stranger typed the address; the owner registers later and ticks only the newsletter
    footer_subscribe(email="arta@example.al", topics=[Topic.OFFERS], language="sq")
    user = UserFactory(email="arta@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.NEWSLETTER])
    subscriber = Subscriber.objects.get(user=user)
    assert _active(subscriber) == {Topic.NEWSLETTER}
    assert subscriber.pk in _audience(Topic.NEWSLETTER)
    assert subscriber.pk not in _audience(Topic.OFFERS)


def _row_state(subscriber: Subscriber) -> tuple[object, ...]:
    """Everything about a row an account could change, to assert that nothing did."""
    subscriber.refresh_from_db()
    return (
        subscriber.user_id,
        subscriber.email,
        subscriber.confirmed_at,
        sorted(Subscription.objects.filter(subscriber=subscriber).values_list("topic", "active")),
        SubscriptionEvent.objects.filter(subscriber=subscriber).count(),
        sorted(Suppression.objects.values_list("address_index", "reason")),
    )


def test_p8_an_unverified_account_does_not_inherit_a_confirmed_visitor_row():
    # given the mailbox owner's confirmed newsletter
    visitor = ConfirmedSubscriberFactory(email="besa@example.al", topics=[Topic.NEWSLETTER])
    before = _row_state(visitor)
    # when someone registers with that address and ticks offers, without verifying it
    user = UnverifiedUserFactory(email="besa@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.OFFERS])
    # then the owner's row is neither linked nor changed, and still gets the newsletter
    assert _row_state(visitor) == before
    assert visitor.pk in _audience(Topic.NEWSLETTER)
    assert not Subscriber.objects.filter(user=user).exists()
    # a confirmed row is not asked again: no mail reaches the owner
    assert _confirmations() == 0
    # and verifying the account later does not switch the stranger's ticks on
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    assert visitor.pk not in _audience(Topic.OFFERS)


def test_p8_subscriber_for_user_refuses_an_unverified_account_a_visitors_row():
    visitor = SubscriberFactory(email="besa@example.al", topics=[Topic.NEWSLETTER])
    before = _row_state(visitor)
    user = UnverifiedUserFactory(email="besa@example.al")
    with pytest.raises(AddressNotVerified):
        subscriber_for_user(user)
    assert _row_state(visitor) == before
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize("verified", [True, False])
def test_p8_subscriber_for_user_refuses_another_accounts_row_without_an_integrity_error(
    verified,
):
    # given an account whose row still has the address staff since changed on the account
    owner = UserFactory(email="vjeter@example.al")
    row = subscriber_for_user(owner)
    owner.email = "e-re@example.al"
    owner.save()
    before = _row_state(row)
    # when a new account has the old address
    newcomer = UserFactory(
        email="vjeter@example.al", email_verified_at=timezone.now() if verified else None
    )
    # then it is refused by name, and the owner's row is left alone
    with pytest.raises(AddressHeldByAnotherAccount):
        subscriber_for_user(newcomer)
    assert _row_state(row) == before
    assert not Subscriber.objects.filter(user=newcomer).exists()


def test_p8_a_verified_account_takes_over_a_confirmed_visitor_row():
    visitor = ConfirmedSubscriberFactory(email="besa@example.al", topics=[Topic.NEWSLETTER])
    confirmed_at = visitor.confirmed_at
    user = UserFactory(email="besa@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.OFFERS])
    visitor.refresh_from_db()
    assert (visitor.user, visitor.confirmed_at) == (user, confirmed_at)
    assert _active(visitor) == {Topic.NEWSLETTER, Topic.OFFERS}
    assert visitor.pk in _audience(Topic.OFFERS)


def test_p8_an_unverified_registration_over_an_unconfirmed_row_asks_the_mailbox_first():
    # given someone typed the address in the footer a while ago, unconfirmed
    visitor = SubscriberFactory(email="besa@example.al", topics=[Topic.NEWSLETTER])
    # when an unverified account registers with it and ticks offers
    user = UnverifiedUserFactory(email="besa@example.al")
    subscriptions_choose_at_registration(user=user, topics=[Topic.OFFERS])
    # then it is a footer wish: recorded, mailed for confirmation, not sent marketing
    visitor.refresh_from_db()
    assert visitor.user is None
    assert _active(visitor) == {Topic.NEWSLETTER, Topic.OFFERS}
    assert _confirmations() == 1
    assert visitor.pk not in _audience(Topic.OFFERS)
    # and the topics switch on only when the mailbox confirms
    subscription_confirm(token=confirmation_token(visitor.public_id))
    assert visitor.pk in _audience(Topic.OFFERS)


@pytest.mark.parametrize("verified", [False, True])
def test_p13_only_a_verified_account_lifts_an_unsubscribe_from_all(verified):
    user = UserFactory(email_verified_at=timezone.now() if verified else None)
    subscriber = subscriber_for_user(user)
    unsubscribe_all(subscriber=subscriber, channel=Channel.ONE_CLICK, actor=None)
    subscription_change(
        subscriber=subscriber, topics={Topic.OFFERS: True}, channel=Channel.ACCOUNT, actor=user
    )
    assert is_suppressed(user.email) is not verified


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


def test_p8_purge_counts_the_week_from_the_latest_confirmation_mail():
    # given a sign-up of six days ago, never confirmed
    footer_subscribe(email="drita@example.al", topics=[], language="sq")
    six_days_ago = timezone.now() - timedelta(days=6)
    Subscriber.objects.update(created_at=six_days_ago, confirmation_sent_at=six_days_ago)
    # when the person asks again today
    footer_subscribe(email="drita@example.al", topics=[], language="sq")
    assert _confirmations() == 2
    # then the row waits a full week for the new link
    assert unconfirmed_purge(now=timezone.now() + timedelta(days=3)) == 0
    assert Subscriber.objects.exists()
    assert unconfirmed_purge(now=timezone.now() + timedelta(days=8)) == 1
    assert not Subscriber.objects.exists()


def test_p8_purge_deletes_visitors_who_have_received_nothing_for_a_week():
    now = timezone.now()
    # given a visitor who unsubscribed from everything nine days ago
    gone = ConfirmedSubscriberFactory(email="ikur@example.al", topics=[Topic.NEWSLETTER])
    unsubscribe_all(subscriber=gone, channel=Channel.ONE_CLICK, actor=None)
    history = set(SubscriptionEvent.objects.filter(subscriber=gone).values_list("pk", flat=True))
    # and one who did two days ago, one who still reads, and a customer with nothing on
    recent = ConfirmedSubscriberFactory(topics=[Topic.NEWSLETTER])
    unsubscribe_all(subscriber=recent, channel=Channel.ONE_CLICK, actor=None)
    reading = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    customer = CustomerSubscriberFactory(topics=[Topic.OFFERS])
    subscription_change(
        subscriber=customer, topics={Topic.OFFERS: False}, channel=Channel.ACCOUNT, actor=None
    )
    long_ago = now - timedelta(days=9)
    Subscriber.objects.update(created_at=long_ago, confirmed_at=long_ago)
    Subscription.objects.update(changed_at=long_ago)
    Subscription.objects.filter(subscriber=recent).update(changed_at=now - timedelta(days=2))
    # when
    assert unconfirmed_purge(dry_run=True) == 1
    assert unconfirmed_purge() == 1
    # then only the visitor who wants nothing for a week is gone
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {
        recent.pk,
        reading.pk,
        customer.pk,
    }
    # the address is still never mailed, and the history of the withdrawal stays
    assert is_suppressed("ikur@example.al")
    assert history
    assert (
        set(SubscriptionEvent.objects.filter(subscriber=None).values_list("pk", flat=True))
        == history
    )
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


@pytest.mark.parametrize("operation", ["suppression_add", "unsubscribe_all"])
def test_p13_suppression_locks_the_subscriber_row_before_writing_the_entry(operation):
    # The campaign engine holds the subscriber row FOR SHARE while it commits a message
    # as sent; test_concurrency shows the wait on PostgreSQL, this the order anywhere.
    subscriber = ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.OFFERS])
    steps: list[str] = []
    manager = Subscriber.objects
    real_lock = manager.select_for_update

    def lock(**kwargs):  # type: ignore[no-untyped-def]
        steps.append("lock subscriber")
        return real_lock(**kwargs)

    def written(**kwargs):  # type: ignore[no-untyped-def]
        steps.append("write suppression")

    post_save.connect(written, sender=Suppression, dispatch_uid="test-order")
    try:
        with mock.patch.object(manager, "select_for_update", side_effect=lock):
            if operation == "suppression_add":
                suppression_add(
                    email=subscriber.email,
                    reason=SuppressionReason.HARD_BOUNCE,
                    channel=Channel.BOUNCE,
                )
            else:
                unsubscribe_all(subscriber=subscriber, channel=Channel.ONE_CLICK, actor=None)
    finally:
        post_save.disconnect(dispatch_uid="test-order", sender=Suppression)
    assert "write suppression" in steps
    assert "lock subscriber" in steps[: steps.index("write suppression")]


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
    old = Subscriber.objects.create(email="vjeter@example.al")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = Subscriber.objects.create(email="e-re@example.al")
    purge_unconfirmed_subscribers.enqueue()
    run_tasks()
    assert list(Subscriber.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert DBTaskResult.objects.filter(
        task_path=purge_unconfirmed_subscribers.module_path, status="READY"
    ).exists()


@pytest.mark.django_db
def test_p8_the_daily_purge_queues_tomorrow_even_when_a_run_fails():
    with mock.patch(
        "subscriptions.tasks.unconfirmed_purge", side_effect=RuntimeError("database gone")
    ):
        purge_unconfirmed_subscribers.enqueue()
        run_tasks()
    runs = DBTaskResult.objects.filter(task_path=purge_unconfirmed_subscribers.module_path)
    assert runs.filter(status="FAILED").count() == 1
    assert runs.filter(status="READY").count() == 1


@pytest.mark.django_db
def test_p13_a_phone_opt_out_reaches_a_visitor_row_an_unverified_account_shares():
    care_staff = StaffFactory(role=Role.CUSTOMER_CARE, trained=True)
    # given a confirmed visitor, and later an unverified account opened with that address
    visitor = ConfirmedSubscriberFactory(email="ndare@example.al")
    subscription_change(
        subscriber=visitor, topics={Topic.OFFERS: True}, channel=Channel.FOOTER_FORM, actor=None
    )
    account = UnverifiedUserFactory(email="ndare@example.al")
    # when the person phones and staff find them by the account
    opt_out_record(person=account, channel=Channel.PHONE, note="", actor=care_staff)
    # then the address gets no more marketing
    assert not Subscription.objects.get(subscriber=visitor, topic=Topic.OFFERS).active
    assert is_suppressed("ndare@example.al")
