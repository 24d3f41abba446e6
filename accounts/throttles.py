"""How often anyone may make the shop mail an address, or guess a password with it (P14).

Both count in the database (accounts.counters), so every worker process and machine shares
the count, and both count under keyed hashes of the addresses, never the addresses.
Neither answer depends on whether an account has the address: requests and failures
with an unknown address are counted exactly like those with a customer's.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.counters import client_network, throttle_clear, throttle_count, throttle_live
from accounts.models import ThrottleScope
from core.email import normalise_email
from mail.models import MailKind

logger = logging.getLogger(__name__)

# Past this many doublings the wait is at its cap anyway; the bound keeps 2**n small.
MAX_DOUBLINGS = 32


def _counted_address(address: str) -> str:
    """Return the mailbox an address reaches: `arta+1@…` and `arta@…` count as one."""
    local, at, domain = normalise_email(address).rpartition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}" if at else normalise_email(address)


def mail_request_allowed(
    *, kind: MailKind, to_address: str, client_ip: str | None, now: datetime | None = None
) -> bool:
    """Count a request that would mail `to_address`; return whether its mail may be written.

    For mail that someone other than the address's owner can set off: a password reset,
    a verification link sent again, the footer sign-up, an email change. Each request
    is counted whether or not a mail would follow, so the answer is the same for every
    address. A client past its limit is refused before its request counts against the
    address, so one client cannot use up the quota of every address it types. Each kind
    of mail has its own quota: footer sign-ups typed with someone's address cannot use
    up that person's password resets.
    """
    now = now or timezone.now()
    window = timedelta(seconds=settings.MAIL_THROTTLE_WINDOW_SECONDS)
    network = client_network(client_ip)
    if network is not None:
        from_client = throttle_count(
            scope=ThrottleScope.MAIL_FROM_CLIENT,
            value=f"{kind.value}:{network}",
            window=window,
            now=now,
        )
        if from_client > settings.MAIL_THROTTLE_PER_CLIENT:
            logger.info("mail request throttled", extra={"scope": ThrottleScope.MAIL_FROM_CLIENT})
            return False
    to_address_count = throttle_count(
        scope=ThrottleScope.MAIL_TO_ADDRESS,
        value=f"{kind.value}:{_counted_address(to_address)}",
        window=window,
        now=now,
    )
    if to_address_count > settings.MAIL_THROTTLE_PER_ADDRESS:
        logger.info("mail request throttled", extra={"scope": ThrottleScope.MAIL_TO_ADDRESS})
        return False
    return True


def sign_in_delay(failures: int) -> timedelta | None:
    """Return how long to wait after this many failures in a row, or None for no wait.

    The first SIGN_IN_SLOWDOWN_FREE_FAILURES cost nothing (a mistyped password or two);
    from then on the wait starts at SIGN_IN_SLOWDOWN_BASE_SECONDS and doubles with each
    failure, up to SIGN_IN_SLOWDOWN_MAX_SECONDS.
    """
    beyond = failures - settings.SIGN_IN_SLOWDOWN_FREE_FAILURES
    if beyond < 0:
        return None
    seconds = settings.SIGN_IN_SLOWDOWN_BASE_SECONDS * 2 ** min(beyond, MAX_DOUBLINGS)
    return timedelta(seconds=min(seconds, settings.SIGN_IN_SLOWDOWN_MAX_SECONDS))


def sign_in_wait_until(*, email: str, now: datetime | None = None) -> datetime | None:
    """Return until when a sign-in with this address is refused unheard, or None if it may try."""
    now = now or timezone.now()
    counter = throttle_live(
        scope=ThrottleScope.SIGN_IN_FAILURES, value=normalise_email(email), now=now
    )
    if counter is None:
        return None
    delay = sign_in_delay(counter.count)
    if delay is None or counter.last_at + delay <= now:
        return None
    return counter.last_at + delay


def sign_in_failure_record(*, email: str, now: datetime | None = None) -> int:
    """Count a failed sign-in with this address, from any client; return the failures in a row.

    The count is forgotten SIGN_IN_SLOWDOWN_FORGET_SECONDS after the latest failure.
    """
    return throttle_count(
        scope=ThrottleScope.SIGN_IN_FAILURES,
        value=normalise_email(email),
        window=timedelta(seconds=settings.SIGN_IN_SLOWDOWN_FORGET_SECONDS),
        now=now,
        slide=True,
    )


def sign_in_failures_clear(*, email: str) -> None:
    """Forget the failures with this address: its owner has just signed in."""
    throttle_clear(scope=ThrottleScope.SIGN_IN_FAILURES, value=normalise_email(email))
