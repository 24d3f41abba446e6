"""How django-axes names a sign-in attempt and answers a lockout (P14).

Axes records failed sign-ins to lock out guessing. It keys them on the account and the
client address, and it must never keep an email address in clear: the account is
recorded as a keyed blind index of the normalised address instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from http import HTTPStatus
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.backends import WAIT_UNTIL
from accounts.counters import throttle_forget
from accounts.models import ThrottleScope
from core.email import normalise_email
from privacy.crypto import blind_index

BLIND_INDEX_PURPOSE = "axes-username"
LOCKOUT_TEMPLATE = "accounts/locked_out.html"
SLOWDOWN_TEMPLATE = "accounts/sign_in_slowed.html"
# Counted under keyed hashes of the address, like the attempts: mail asked for it and
# failed sign-ins with it (accounts.throttles).
ADDRESS_THROTTLES = (ThrottleScope.MAIL_TO_ADDRESS, ThrottleScope.SIGN_IN_FAILURES)


def username_blind_index(
    request: HttpRequest | None, credentials: Mapping[str, Any] | None
) -> str | None:
    """Return the blind index axes stores instead of the address someone signed in with.

    Failed attempts pass the credentials given to `authenticate()`; a successful one
    passes the account's own address under the same key. Both spellings of one
    address give one index, so a success resets the failures it follows.
    """
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None and request is not None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not username:
        return None
    return blind_index(normalise_email(str(username)), purpose=BLIND_INDEX_PURPOSE)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: Mapping[str, Any] | None,
) -> HttpResponse:
    """Render the lockout page in the visitor's language, with status 429 and Retry-After.

    A sign-in refused by the per-address slowdown (accounts.backends) comes here too,
    through axes' middleware, and gets its own page with its own wait.
    """
    wait_until: datetime | None = getattr(request, WAIT_UNTIL, None)
    if wait_until is not None:
        seconds = max(1, math.ceil((wait_until - timezone.now()).total_seconds()))
        template = SLOWDOWN_TEMPLATE
    else:
        cool_off = get_cool_off(request)
        seconds = int(cool_off.total_seconds()) if cool_off else 0
        template = LOCKOUT_TEMPLATE
    response = render(
        request,
        template,
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _indexes(emails: Iterable[str]) -> list[str]:
    return [blind_index(normalise_email(email), purpose=BLIND_INDEX_PURPOSE) for email in emails]


def sign_in_records_for(*, emails: Iterable[str]) -> QuerySet[Any]:
    """Return the failed sign-ins recorded under these addresses (one row per client)."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(username__in=_indexes(emails)).order_by(
        "attempt_time", "pk"
    )


def sign_in_records_forget(*, emails: Iterable[str]) -> int:
    """Delete the failed sign-ins, sign-in logs and throttle counts under these addresses.

    For erasure: the records hold only a keyed hash of the address, the client's
    network address and browser, but they are still about the person.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    emails = [normalise_email(email) for email in emails]
    indexes = _indexes(emails)
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _detail = model.objects.filter(username__in=indexes).delete()
        deleted += count
    return deleted + throttle_forget(scopes=ADDRESS_THROTTLES, values=emails)
