"""The sign-in check against password spraying, run by every `authenticate()` (P14).

django-axes locks an account out from one client address after a few failures; an
attacker who tries a few passwords on each of many accounts, or uses many addresses,
stays under that. This backend, between axes and Django's ModelBackend, refuses a
sign-in with an email address that failed too often lately, from wherever it comes,
before any password is checked; a browser that signed in with it before is let
through (accounts.devices), so a stranger's failures cannot lock the owner out. It
serves the storefront, the back office and every password re-check alike, as all go
through `authenticate()`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.devices import device_known
from accounts.throttles import sign_in_wait_until

# Set on the request when the attempt was let through to the password check: a failure
# is then counted against this address (accounts.signals). A refused attempt is not.
ATTEMPTED_EMAIL = "sign_in_attempted_email"
# Set on the request when the attempt was refused: until when (accounts.axes renders it).
WAIT_UNTIL = "sign_in_wait_until"


class SignInSlowdownBackend:
    """Refuse, unheard, a sign-in with an address that must wait; never signs anyone in."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not username:
            return None
        until = sign_in_wait_until(email=str(username))
        if until is None or device_known(request, email=str(username)):
            setattr(request, ATTEMPTED_EMAIL, str(username))
            return None
        setattr(request, WAIT_UNTIL, until)
        # django-axes' middleware turns a request so flagged into the lockout answer,
        # which accounts.axes.lockout_response renders as this wait; forms that re-check
        # a password read the same flag.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        # authenticate() stops at PermissionDenied and sends user_login_failed.
        raise PermissionDenied
