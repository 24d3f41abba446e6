"""Staff writes, split by concern; import them from here.

- roles: the role groups, synchronised from code;
- officers: mail to the data-protection officers;
- powers: staff status, roles, the active flag and password resets of an account (P5);
- digest: the officers' daily digest of self-made purposes (P5).
"""

from staff.services.digest import own_purposes_digest_send, own_purposes_digests_send
from staff.services.officers import break_glass_notify_dpo, dpo_notify, dpo_recipients
from staff.services.powers import (
    AccountPowers,
    AccountPowersRefused,
    account_password_reset_send,
    account_powers_change,
    account_powers_check,
    holds_customer_data,
)
from staff.services.roles import roles_sync

__all__ = [
    "AccountPowers",
    "AccountPowersRefused",
    "account_password_reset_send",
    "account_powers_change",
    "account_powers_check",
    "break_glass_notify_dpo",
    "dpo_notify",
    "dpo_recipients",
    "holds_customer_data",
    "own_purposes_digest_send",
    "own_purposes_digests_send",
    "roles_sync",
]
