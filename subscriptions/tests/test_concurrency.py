"""P13: a suppression and a message being committed as sent serialise (needs real row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from subscriptions.models import Channel, Subscriber, SuppressionReason, Topic
from subscriptions.selectors import is_suppressed
from subscriptions.services import suppression_add, unsubscribe_all
from subscriptions.tests.factories import ConfirmedSubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "gent@example.al"


def _bounce(subscriber: Subscriber) -> None:
    suppression_add(email=ADDRESS, reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE)


def _unsubscribe_all(subscriber: Subscriber) -> None:
    unsubscribe_all(subscriber=subscriber, channel=Channel.ONE_CLICK, actor=None)


@pytest.mark.parametrize("suppress", [_bounce, _unsubscribe_all], ids=["bounce", "unsubscribe"])
def test_p13_suppression_waits_for_a_message_being_committed_as_sent(
    suppress: Callable[[Subscriber], None],
):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions are tested on PostgreSQL (CI runs it).")
    subscriber = ConfirmedSubscriberFactory(email=ADDRESS, topics=[Topic.OFFERS])
    share_held, release, suppressed = threading.Event(), threading.Event(), threading.Event()

    def sender() -> None:
        # What the campaign engine does just before it records a message as sent.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {Subscriber._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
                    [subscriber.pk],
                )
                share_held.set()
                release.wait(10)
        finally:
            connections.close_all()

    def suppressor() -> None:
        try:
            share_held.wait(10)
            suppress(subscriber)
            suppressed.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender), threading.Thread(target=suppressor)]
    for thread in threads:
        thread.start()
    try:
        assert share_held.wait(10)
        # the suppression waits while the message is being committed ...
        assert not suppressed.wait(1)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=30)
    # ... and goes through as soon as it is
    assert suppressed.is_set()
    assert is_suppressed(ADDRESS)
