"""What a customer tells the company is used only to handle their case (P9)."""

from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from support.models import SupportCase

CASE = (Purpose.INFORMATION, Purpose.PRODUCTS_AND_SERVICES)

declare(
    SupportCase,
    subject="customer",
    fields=[
        PersonalField(
            "summary",
            Category.SUPPORT,
            CASE,
            Mask.TEXT,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "customer_message",
            Category.SUPPORT,
            CASE,
            Mask.TEXT,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
)
