"""The three functions a contractor serves, and what each sees to begin with (P10).

Written by the first migration and by the demo alike; afterwards the DPO keeps the
lists in the back office. Kept free of this app's models, so the migration can hand in
its historical ones.
"""

from __future__ import annotations

from typing import Any

DELIVERY = [
    "accounts.User.first_name",
    "orders.Order.delivery_phone",
    "orders.Order.delivery_municipality",
    "orders.Order.delivery_street",
    "orders.Order.delivery_notes",
    "orders.OrderLine.product_name",
]
# Installation: the same, plus the appliance's model (the line's stock code).
INSTALLATION = [*DELIVERY, "orders.OrderLine.sku"]
REPAIR = INSTALLATION

# The slug by which code knows the delivery function: its job done delivers the order.
DELIVERY_SLUG = "delivery"

FUNCTIONS = [
    (DELIVERY_SLUG, "dorëzim", "delivery", DELIVERY),
    ("installation", "instalim", "installation", INSTALLATION),
    ("repair", "riparim", "repair", REPAIR),
]


def default_functions_ensure(function_model: Any, allowance_model: Any) -> None:
    """Create the three functions and their lists where they are missing; keep edits."""
    for slug, name_sq, name_en, fields in FUNCTIONS:
        function, created = function_model.objects.get_or_create(
            slug=slug, defaults={"name_sq": name_sq, "name_en": name_en}
        )
        if created:
            for field in fields:
                allowance_model.objects.get_or_create(function=function, field=field)
