"""What an order keeps about the person it is delivered to (P3)."""

from orders.models import Order, OrderLine
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare

DELIVERY = (Purpose.PRODUCTS_AND_SERVICES,)

# Orders are accounting records: on erasure the person's details are replaced and the
# order itself, its totals and products, is kept for the statutory period.
declare(
    Order,
    subject="customer",
    fields=[
        PersonalField(
            "delivery_name",
            Category.IDENTITY,
            DELIVERY,
            Mask.NAME,
            Retention.ACCOUNTING_PERIOD,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_phone",
            Category.CONTACT,
            DELIVERY,
            Mask.PHONE,
            Retention.ACCOUNTING_PERIOD,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_street",
            Category.ADDRESS,
            DELIVERY,
            Mask.STREET,
            Retention.ACCOUNTING_PERIOD,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_notes",
            Category.ADDRESS,
            DELIVERY,
            Mask.TEXT,
            Retention.ACCOUNTING_PERIOD,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_municipality",
            Category.ADDRESS,
            DELIVERY,
            Mask.NONE,
            Retention.ACCOUNTING_PERIOD,
            Erasure.KEEP_FOR_LAW,
        ),
    ],
)

declare(
    OrderLine,
    subject="order__customer",
    fields=[],
    not_personal={"product_name": "The product's name as sold, not a person's."},
)
