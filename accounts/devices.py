"""Browsers that have signed in to an account before: nobody else's failures slow them (P14).

The per-address slowdown against password spraying (accounts.throttles) counts failures
from every client, so a stranger could keep the owner waiting by failing with the
owner's address on purpose. A browser where the account signed in successfully carries
a signed cookie naming it (a keyed hash of the address, never the address), and is let
through to the password check: django-axes still locks it out after its own failures.
This is OWASP's "device cookie" defence.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase

from core.email import normalise_email
from privacy.crypto import blind_index

KNOWN_DEVICE_COOKIE = "fejzo_device"
KNOWN_DEVICE_MAX_AGE = timedelta(days=180)
# Accounts one browser remembers; a shared family computer signs in to a few.
KNOWN_DEVICE_ACCOUNTS = 5
_SALT = "accounts.known_device"
_PURPOSE = "known_device"
# Set on the request by a successful sign-in; KnownDeviceMiddleware writes the cookie.
REMEMBER = "known_device_remember"


def _mark(email: str) -> str:
    return blind_index(normalise_email(email), purpose=_PURPOSE)[:24]


def _marks(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not raw:
        return []
    try:
        marks = signing.loads(raw, salt=_SALT, max_age=KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [str(mark) for mark in marks] if isinstance(marks, list) else []


def device_known(request: HttpRequest, *, email: str) -> bool:
    """Whether this browser has signed in with this address before."""
    return _mark(email) in _marks(request)


def device_remember(request: HttpRequest, *, email: str) -> None:
    """Have this browser remember the address once the response goes out."""
    setattr(request, REMEMBER, email)


def device_cookie_write(request: HttpRequest, response: HttpResponseBase) -> None:
    email = getattr(request, REMEMBER, None)
    if email is None:
        return
    mark = _mark(email)
    marks = [mark, *(known for known in _marks(request) if known != mark)]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(marks[:KNOWN_DEVICE_ACCOUNTS], salt=_SALT, compress=True),
        max_age=int(KNOWN_DEVICE_MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
