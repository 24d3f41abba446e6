"""Counters shared by every process and machine, for slowing down abuse (P14).

The cache (CACHES in config/settings/base.py) is a LocMemCache: each gunicorn worker
has its own, so a counter kept there would give every worker its own quota and forget
it on each restart. The counters are rows of accounts.ThrottleCounter instead, changed
under a row lock in one short transaction, so any number of workers on any number of
machines share one count through the database.

Nothing here stores what it counts: the key is a keyed hash (privacy.crypto's blind
index, under a purpose per scope) of the normalised email or network address, and
a row expires with its window. Every count first deletes the rows that have expired,
and the daily retention run deletes any left behind (rights.retention.services).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ThrottleCounter, ThrottleScope
from privacy.crypto import blind_index

# A client with an IPv6 address usually holds the whole /64 it is in: one count for it.
IPV6_CLIENT_PREFIX = 64


def throttle_key(scope: ThrottleScope, value: str) -> str:
    """Return the keyed hash a value is counted under in this scope."""
    return blind_index(value, purpose=f"throttle.{scope.value}")


def client_network(ip_address: str | None) -> str | None:
    """Return what one client is counted as: its IPv4 address, or the /64 of its IPv6 one."""
    if not ip_address:
        return None
    try:
        parsed = ipaddress.ip_address(ip_address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


def throttle_expired_purge(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the counters whose window has ended; return how many (or would be)."""
    expired = ThrottleCounter.objects.filter(expires_at__lte=now or timezone.now())
    if dry_run:
        return expired.count()
    deleted, _detail = expired.delete()
    return deleted


def throttle_count(
    *,
    scope: ThrottleScope,
    value: str,
    window: timedelta,
    now: datetime | None = None,
    slide: bool = False,
) -> int:
    """Count one event for `value` and return how many its window holds, this one included.

    A window starts at the first event after the last one expired. It ends `window`
    after that first event, or, with `slide`, `window` after the latest one, so steady
    events keep the count alive. Two workers counting at once each see their own
    event: the row is locked between reading and writing it.
    """
    now = now or timezone.now()
    # A statement of its own, before the row lock below is taken, so it never waits
    # for a lock while holding one.
    throttle_expired_purge(now=now)
    key = throttle_key(scope, value)
    with transaction.atomic():
        counter, created = ThrottleCounter.objects.select_for_update().get_or_create(
            scope=scope,
            key_index=key,
            defaults={"count": 1, "last_at": now, "expires_at": now + window},
        )
        if created:
            return 1
        if counter.expires_at <= now:
            counter.count, counter.expires_at = 1, now + window
        else:
            counter.count += 1
            if slide:
                counter.expires_at = now + window
        counter.last_at = now
        counter.save(update_fields=["count", "last_at", "expires_at"])
    return counter.count


def throttle_live(
    *, scope: ThrottleScope, value: str, now: datetime | None = None
) -> ThrottleCounter | None:
    """Return the counter of `value` in this scope while its window lasts, else None."""
    return ThrottleCounter.objects.filter(
        scope=scope, key_index=throttle_key(scope, value), expires_at__gt=now or timezone.now()
    ).first()


def throttle_clear(*, scope: ThrottleScope, value: str) -> None:
    """Forget the count of `value` in this scope (e.g. failures before a good sign-in)."""
    ThrottleCounter.objects.filter(scope=scope, key_index=throttle_key(scope, value)).delete()


def throttle_forget(*, scopes: Iterable[ThrottleScope], values: Iterable[str]) -> int:
    """Delete the counters of these values in these scopes (erasure); return how many."""
    values = list(values)
    deleted = 0
    for scope in scopes:
        keys = [throttle_key(scope, value) for value in values]
        count, _detail = ThrottleCounter.objects.filter(scope=scope, key_index__in=keys).delete()
        deleted += count
    return deleted
