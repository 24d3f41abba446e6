"""Signals of the accounts app, and what a sign-in or a failed one sets going (P6, P14).

Apps above accounts learn of a new account through `customer_registered`, of a
customer's correction through `profile_corrected` and `address_corrected`, and of a new
sign-in address through `verified_email_leaving` and `email_changed` (P12): accounts
imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from accounts.backends import ATTEMPTED_EMAIL
from accounts.devices import device_remember
from accounts.models import User
from accounts.sessions import is_staff_session, staff_session_start
from accounts.throttles import sign_in_failure_record, sign_in_failures_clear


@dataclass(frozen=True)
class Recipient:
    """Who a delivery goes to, as the customer's profile holds it."""

    name: str
    phone_e164: str


@dataclass(frozen=True)
class Place:
    """Where a delivery goes, as an address in the customer's book holds it."""

    municipality: str
    street: str
    courier_notes: str


# Sent by profile_update, with customer, old and new (each a Recipient) and actor, in the
# transaction that saved the profile. A receiver corrects its copies in that transaction
# and returns how many of the customer's orders took the correction.
profile_corrected = Signal()
# Sent by address_save when an address in the book is changed, with customer, old and
# new (each a Place) and actor; receivers as for profile_corrected.
address_corrected = Signal()
# Sent by customer_register, in the transaction that creates the account, with customer
# and answers (the cleaned values of the fields apps added to the registration form, by
# name: accounts.extensions). A receiver records what its fields asked for in that
# transaction, so the account and what it asked for exist together or not at all.
customer_registered = Signal()
# Sent by email_change_confirm, in its transaction, when the account is about to leave a
# verified address, with customer (still holding that address). A receiver gives the
# account what it holds under the address for no account: the person proved the address
# theirs, and once it is gone from the account such rows would belong to nobody.
verified_email_leaving = Signal()
# Sent by email_change_confirm, in its transaction, once the account holds its new
# address, with customer. A receiver moves what follows the account's address to it.
email_changed = Signal()


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
