"""P14: the throttle counters count exactly, hold keyed hashes only, and do not pile up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.counters import throttle_clear, throttle_count, throttle_key, throttle_live
from accounts.models import ThrottleCounter, ThrottleScope
from privacy.registry import Retention, registry
from rights.retention.services import retention_apply

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
SCOPE = ThrottleScope.MAIL_TO_ADDRESS


def test_p14_a_fixed_window_counts_from_its_first_event():
    start = timezone.now()

    counts = [
        throttle_count(scope=SCOPE, value="a@example.al", window=HOUR, now=start + step)
        for step in (timedelta(0), timedelta(minutes=30), timedelta(minutes=59))
    ]
    after = throttle_count(scope=SCOPE, value="a@example.al", window=HOUR, now=start + HOUR)

    assert counts == [1, 2, 3]
    assert after == 1


def test_p14_a_sliding_window_lives_while_events_keep_coming():
    start = timezone.now()
    scope = ThrottleScope.SIGN_IN_FAILURES

    counts = [
        throttle_count(scope=scope, value="a@example.al", window=HOUR, now=start + step, slide=True)
        for step in (timedelta(0), timedelta(minutes=50), timedelta(minutes=100))
    ]

    assert counts == [1, 2, 3]
    assert throttle_live(scope=scope, value="a@example.al", now=start + timedelta(minutes=159))
    assert not throttle_live(scope=scope, value="a@example.al", now=start + timedelta(minutes=160))


def test_p14_scopes_and_values_are_counted_apart_under_keyed_hashes():
    throttle_count(scope=SCOPE, value="a@example.al", window=HOUR)
    throttle_count(scope=ThrottleScope.SIGN_IN_FAILURES, value="a@example.al", window=HOUR)
    throttle_count(scope=SCOPE, value="b@example.al", window=HOUR)

    keys = set(ThrottleCounter.objects.values_list("key_index", flat=True))
    assert len(keys) == 3
    assert throttle_key(SCOPE, "a@example.al") != throttle_key(
        ThrottleScope.SIGN_IN_FAILURES, "a@example.al"
    )
    assert all(len(key) == 64 and "@" not in key for key in keys)

    throttle_clear(scope=SCOPE, value="a@example.al")
    assert ThrottleCounter.objects.count() == 2


def test_p14_retention_deletes_the_counters_whose_window_has_ended():
    now = timezone.now()
    throttle_count(scope=SCOPE, value="live@example.al", window=HOUR, now=now)
    # left behind when no count came after its window to sweep it
    ThrottleCounter.objects.create(
        scope=SCOPE,
        key_index=throttle_key(SCOPE, "old@example.al"),
        count=3,
        last_at=now - 2 * HOUR,
        expires_at=now - HOUR,
    )

    outcomes = {outcome.schedule: outcome for outcome in retention_apply(now=now)}

    assert outcomes[Retention.SECURITY_PERIOD].done == 1
    assert throttle_live(scope=SCOPE, value="live@example.al", now=now)
    assert ThrottleCounter.objects.count() == 1


def test_p14_throttle_counters_are_declared_with_a_retention():
    declaration = registry.of(ThrottleCounter)

    assert declaration is not None
    assert declaration.fields["key_index"].retention == Retention.SECURITY_PERIOD
