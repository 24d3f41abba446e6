"""Personal data in the access record itself, and in third-party apps' tables."""

from django.db.models import Q

from privacy.models import (
    AccessEntry,
    DataExport,
    ErasedSubject,
    ErasureEvent,
    ErasureRequest,
    HoldKind,
    InactivityWarning,
    LegalHold,
)
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

# The rights a person used, and what the shop did about them: part of their download,
# kept after erasure as the proof the request was handled (they hold ids, not values).
declare(
    DataExport,
    subject="user",
    fields=[],
    # The file is the person's data; erasure and expiry delete the row, its key and file.
    erase_rows=True,
    row_retention=Retention.EXPORT_LINK,
)
# Kept, without personal values, as the proof a request was handled; staff write the
# reasons about the matter, for the person to read, and are told not to name anyone.
declare(
    ErasureRequest,
    subject="subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
    not_personal={"extension_reason": "Why the due date moved; mailed to the person."},
)
declare(ErasureEvent, subject="request__subject", fields=[], row_retention=Retention.REQUEST_RECORD)
declare(
    LegalHold,
    subject="subject",
    fields=[],
    row_retention=Retention.REQUEST_RECORD,
    # An authority's request may not be disclosed to the person it concerns (P11).
    withheld_from_download=Q(kind=HoldKind.LEGAL_REQUEST),
    not_personal={"reason": "The matter that keeps the data (a dispute, a repair)."},
)
declare(
    ErasedSubject,
    subject="user",
    fields=[],
    not_personal={"pseudonym": "Random letters that stand for an erased account."},
)
declare(InactivityWarning, subject="user", fields=[])


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
