"""Account writes, split by concern; import them from here.

- registration: sign-up (alike for new and existing addresses), the verification mail,
  verifying the address;
- profile: the customer's own details and address book, whose corrections reach
  unshipped orders through accounts.signals (P12);
- email_change: a new sign-in address, confirmed by its mailbox (P12);
- password: a new password, told to the account's address (P14).
"""

from accounts.services.email_change import (
    EmailAddressTaken,
    EmailChangeLinkExpired,
    EmailChangeLinkInvalid,
    EmailChangeRefused,
    EmailUnchanged,
    PasswordIncorrect,
    email_change_confirm,
    email_change_request,
    email_change_url,
)
from accounts.services.password import password_change, password_changed_notify
from accounts.services.profile import (
    AddressSaved,
    ProfileSaved,
    address_delete,
    address_save,
    check_address_owner,
    profile_update,
)
from accounts.services.registration import (
    PolicyVersionOutdated,
    absolute_url,
    customer_register,
    email_verification_send,
    email_verification_url,
    email_verify,
    registration_attempt_notify,
    registration_submit,
)
from accounts.services.status import AccountClosed, account_lock_open, login_disable

__all__ = [
    "AccountClosed",
    "account_lock_open",
    "login_disable",
    "AddressSaved",
    "EmailAddressTaken",
    "EmailChangeLinkExpired",
    "EmailChangeLinkInvalid",
    "EmailChangeRefused",
    "EmailUnchanged",
    "PasswordIncorrect",
    "PolicyVersionOutdated",
    "ProfileSaved",
    "absolute_url",
    "address_delete",
    "address_save",
    "check_address_owner",
    "customer_register",
    "email_change_confirm",
    "email_change_request",
    "email_change_url",
    "email_verification_send",
    "email_verification_url",
    "email_verify",
    "password_change",
    "password_changed_notify",
    "profile_update",
    "registration_attempt_notify",
    "registration_submit",
]
