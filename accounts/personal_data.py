"""What the accounts app holds about people (P3): the registry reads this and nothing else."""

from accounts.models import Address, EmailChange, ThrottleCounter, User
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare

ACCOUNT = (Purpose.REGISTRATION, Purpose.COMMUNICATION, Purpose.PRODUCTS_AND_SERVICES)
DELIVERY = (Purpose.PRODUCTS_AND_SERVICES,)

declare(
    User,
    subject="",
    fields=[
        PersonalField(
            "first_name",
            Category.IDENTITY,
            ACCOUNT,
            Mask.NAME,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "last_name",
            Category.IDENTITY,
            ACCOUNT,
            Mask.NAME,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "email",
            Category.CONTACT,
            ACCOUNT,
            Mask.EMAIL,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "email_index",
            Category.CONTACT,
            ACCOUNT,
            Mask.HIDDEN,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            index_of="email",
        ),
        PersonalField(
            "phone",
            Category.CONTACT,
            ACCOUNT,
            Mask.PHONE,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "phone_index",
            Category.CONTACT,
            ACCOUNT,
            Mask.HIDDEN,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            index_of="phone",
        ),
    ],
    not_personal={"email_verified_at": "When the address was confirmed, not the address."},
)

declare(
    Address,
    subject="user",
    fields=[
        PersonalField(
            "street",
            Category.ADDRESS,
            DELIVERY,
            Mask.STREET,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "courier_notes",
            Category.ADDRESS,
            DELIVERY,
            Mask.TEXT,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        # One of 61 municipalities: shown to staff, it narrows a person down no further
        # than a town, and delivery zones are planned from it.
        PersonalField(
            "municipality",
            Category.ADDRESS,
            DELIVERY,
            Mask.NONE,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
        ),
    ],
)

# A pending change holds the new address until its mailbox confirms it. A newer request
# replaces the older ones, and a confirmed row only repeats the account's own address.
declare(
    EmailChange,
    subject="user",
    fields=[
        PersonalField(
            "new_email",
            Category.CONTACT,
            ACCOUNT,
            Mask.EMAIL,
            Retention.CONFIRMATION_LINK,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
    not_personal={
        "token_hash": "SHA-256 of a random link token, not derived from the person.",
        "password_state": "A keyed hash of the password hash, to void the link when it changes.",
    },
)

# Like django-axes' rows (privacy/personal_data.py): a keyed hash of an email address
# (mail sent to it, failed sign-ins with it) or of a client's network address. They
# live until their window ends, at most SIGN_IN_SLOWDOWN_FORGET_SECONDS; erasure
# deletes those under the person's addresses (accounts.axes.sign_in_records_forget).
declare(
    ThrottleCounter,
    fields=[
        PersonalField(
            "key_index",
            Category.TECHNICAL,
            (Purpose.PRODUCTS_AND_SERVICES,),
            Mask.HIDDEN,
            Retention.SECURITY_PERIOD,
            Erasure.DELETE,
            index_of="email",
        ),
    ],
)
