from __future__ import annotations

from accounts.models import User
from orders.models import Order, PaymentMethod
from orders.services import Delivery, order_place


def place_order(*, customer: User, quantities: dict[int, int]) -> Order:
    """Place an order the way checkout does, delivered to a fixed Tirana address."""
    return order_place(
        customer=customer,
        quantities=quantities,
        delivery=Delivery(
            name=customer.get_full_name(),
            phone_e164=customer.phone,
            municipality="tirane",
            street="Rr. Myslym Shyri 10",
            notes="",
        ),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        language="sq",
        actor=customer,
    )
