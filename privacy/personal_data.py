"""Personal data in the access record itself, and in third-party apps' tables."""

from privacy.models import AccessEntry
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare

declare(
    AccessEntry,
    # The address is the staff member's, recorded for the customer's protection.
    subject="actor",
    subject_is_staff=True,
    fields=[
        PersonalField(
            "ip_address",
            Category.TECHNICAL,
            (Purpose.PRODUCTS_AND_SERVICES,),
            Mask.IP_ADDRESS,
            Retention.ACCOUNTING_PERIOD,
            Erasure.KEEP_FOR_LAW,
        ),
    ],
    not_personal={
        "actor_label": "A role or job name, never a person's name.",
        "reason": "Written by staff to justify a break-glass reveal; no values of the customer.",
    },
)


def _sign_in_attempts() -> None:
    """django-axes keeps failed sign-ins to lock brute force out (P14).

    Its username column holds a keyed HMAC of the address (accounts/axes.py), never the
    address; the rest is the client's network address and browser.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    security = (Purpose.PRODUCTS_AND_SERVICES,)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        declare(
            model,
            fields=[
                PersonalField(
                    "username",
                    Category.TECHNICAL,
                    security,
                    Mask.HIDDEN,
                    Retention.SECURITY_PERIOD,
                    Erasure.DELETE,
                    index_of="email",
                ),
                PersonalField(
                    "ip_address",
                    Category.TECHNICAL,
                    security,
                    Mask.IP_ADDRESS,
                    Retention.SECURITY_PERIOD,
                    Erasure.DELETE,
                ),
                PersonalField(
                    "user_agent",
                    Category.TECHNICAL,
                    security,
                    Mask.TEXT,
                    Retention.SECURITY_PERIOD,
                    Erasure.DELETE,
                ),
            ],
        )


_sign_in_attempts()
