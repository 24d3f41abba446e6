"""Personal data in the access record itself."""

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
