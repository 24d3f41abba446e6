"""What a sign-in, or a failed one, sets going in the accounts app (P6, P14)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.backends import ATTEMPTED_EMAIL
from accounts.devices import device_remember
from accounts.models import User
from accounts.sessions import is_staff_session, staff_session_start
from accounts.throttles import sign_in_failure_record, sign_in_failures_clear


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failure_count")
def sign_in_failure_count(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Count a failure against the address whose password was checked (and only then).

    The slowdown backend names the address on the request when it lets an attempt
    through; an attempt refused unheard, by it or by the axes lockout, is not counted.
    A wrong second-factor code after a right password counts too.
    """
    email = getattr(request, ATTEMPTED_EMAIL, None)
    if request is None or email is None:
        return
    delattr(request, ATTEMPTED_EMAIL)
    sign_in_failure_record(email=email)


@receiver(user_logged_in, dispatch_uid="accounts.sign_in_session_start")
def sign_in_session_start(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Forget the failures before a successful sign-in, remember the browser, and start a
    staff session's clocks."""
    sign_in_failures_clear(email=user.email)
    if request is not None:
        device_remember(request, email=user.email)
    if request is not None and is_staff_session(user):
        staff_session_start(request.session)
