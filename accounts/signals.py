"""Signals of the accounts app (its receivers are in accounts.receivers).

Apps above accounts learn of a new account through `customer_registered`, of a
customer's correction through `profile_corrected` and `address_corrected`, and of a new
sign-in address through `verified_email_leaving` and `email_changed`, and of an address
just proven through `email_verified` (P12): accounts imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


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
# Sent by email_verify when the account has just proven its address by the link mailed
# to it, with customer. A receiver gives the account what waits under that address for
# the person who proves it (a visitor's support case).
email_verified = Signal()
