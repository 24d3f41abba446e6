"""Sessions signed in as an account: ending them, and how long a staff member's lasts (P6, P14).

Staff see customers' data, so a staff session ends STAFF_SESSION_MAX_SECONDS after the
sign-in and after STAFF_SESSION_IDLE_SECONDS without a request, wherever it is used
(the back office or the storefront: it is one session). The times are kept in the
session itself, and its expiry follows them, so the session row and the browser's
cookie die with it even if no request comes to check. Customers' sessions are left
as Django makes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

# Seconds since the epoch, as the JSON session serializer keeps numbers.
STAFF_SIGNED_IN_AT = "staff_signed_in_at"
STAFF_SEEN_AT = "staff_seen_at"


def user_sessions_end(*, user_ids: Iterable[int], keep_session_key: str | None = None) -> int:
    """Delete the live sessions signed in as these accounts, except `keep_session_key`.

    Whoever used them is signed out at their next request. Returns how many ended.
    """
    wanted = {str(user_id) for user_id in user_ids}
    store = SessionStore()
    doomed = [
        key
        for key, data in Session.objects.filter(expire_date__gt=timezone.now())
        .exclude(session_key=keep_session_key or "")
        .values_list("session_key", "session_data")
        if str(store.decode(data).get("_auth_user_id", "")) in wanted
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def is_staff_session(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the session is signed in as staff, whose session time is limited."""
    powers = (getattr(user, "is_staff", False), getattr(user, "is_superuser", False))
    return bool(user.is_authenticated and any(powers))


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def staff_session_start(session: SessionBase, *, now: datetime | None = None) -> None:
    """Start a staff member's session clocks at sign-in."""
    now = now or timezone.now()
    session[STAFF_SIGNED_IN_AT] = _stamp(now)
    staff_session_touch(session, now=now)


def staff_session_expired(session: SessionBase, *, now: datetime | None = None) -> bool:
    """Whether a staff session is past its time, or has no clock (begun before there was one)."""
    now_stamp = _stamp(now or timezone.now())
    signed_in_at = session.get(STAFF_SIGNED_IN_AT)
    seen_at = session.get(STAFF_SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return True
    return (
        now_stamp - signed_in_at >= settings.STAFF_SESSION_MAX_SECONDS
        or now_stamp - seen_at >= settings.STAFF_SESSION_IDLE_SECONDS
    )


def staff_session_touch(session: SessionBase, *, now: datetime | None = None) -> None:
    """Note a request on a live staff session, and move its expiry to the earlier limit."""
    now = now or timezone.now()
    session[STAFF_SEEN_AT] = _stamp(now)
    signed_in_at = datetime.fromtimestamp(session[STAFF_SIGNED_IN_AT], tz=UTC)
    session.set_expiry(
        min(
            signed_in_at + timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS),
            now + timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS),
        )
    )
