"""Personal data in the access record itself, and the servers that hold all of it."""

from django.utils.translation import gettext_lazy as _

from privacy.models import AccessEntry
from privacy.processors import Processor, processor_declare
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

# The cloud servers the policy names (P6): they hold every category.
processor_declare(
    Processor(
        "hosting",
        _("Serverat në cloud"),
        _("Mbajnë bazën e të dhënave, skedarët dhe kopjet rezervë."),
        frozenset(Category),
        tuple(Purpose),
        _("Fushat personale të enkriptuara, me çelësat jashtë bazës së të dhënave; HTTPS."),
        setting="DATABASE_URL",
    )
)
