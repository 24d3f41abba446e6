"""Subscription writes, split by concern; import them from here (P8, P13).

- sign_up: the boxes ticked at registration, the footer's double opt-in, confirming it;
- preferences: switching topics on and off, from every channel;
- subscribers: which subscriber row is an account's, and how it follows the account's
  address;
- unsubscribe: the one-click link, and unsubscribing from all;
- opt_out: the staff tool for an opt-out told by phone, in person or by email;
- suppression: the do-not-mail list (bounces, complaints, erasure);
- purge: deleting visitor rows kept for no mail;
- events: the history every change appends to, in the same transaction.

The reads (`address_index`, `is_suppressed`, `audience_filter`) live in
subscriptions.selectors and the mailed links in subscriptions.links; they are named here
too, for the callers that import them from here.
"""

from subscriptions.links import preferences_url, unsubscribe_url
from subscriptions.selectors import (
    address_index,
    audience_filter,
    is_suppressed,
    is_suppressed_index,
)
from subscriptions.services.opt_out import OptOutChannelInvalid, opt_out_record
from subscriptions.services.preferences import subscription_change
from subscriptions.services.purge import unconfirmed_purge
from subscriptions.services.sign_up import (
    CONFIRMATION_RESEND_AFTER,
    PERMANENT_SUPPRESSIONS,
    footer_subscribe,
    subscription_confirm,
    subscriptions_choose_at_registration,
)
from subscriptions.services.subscribers import (
    AddressHeldByAnotherAccount,
    AddressNotVerified,
    SubscriberUnavailable,
    subscriber_address_follow,
    subscriber_for_user,
    visitor_subscriber_claim,
)
from subscriptions.services.suppression import (
    suppression_add,
    suppression_from_feedback,
    suppression_keep_for_erasure,
)
from subscriptions.services.unsubscribe import unsubscribe_all, unsubscribe_one_click

__all__ = [
    "AddressHeldByAnotherAccount",
    "AddressNotVerified",
    "CONFIRMATION_RESEND_AFTER",
    "OptOutChannelInvalid",
    "PERMANENT_SUPPRESSIONS",
    "SubscriberUnavailable",
    "address_index",
    "audience_filter",
    "footer_subscribe",
    "is_suppressed",
    "is_suppressed_index",
    "opt_out_record",
    "preferences_url",
    "subscriber_address_follow",
    "subscriber_for_user",
    "subscription_change",
    "subscription_confirm",
    "subscriptions_choose_at_registration",
    "suppression_add",
    "suppression_from_feedback",
    "suppression_keep_for_erasure",
    "unconfirmed_purge",
    "unsubscribe_all",
    "unsubscribe_one_click",
    "unsubscribe_url",
    "visitor_subscriber_claim",
]
