from __future__ import annotations

import pytest
from catalog.tests.factories import ProductFactory

from cart.services import cart_set_quantity
from orders.models import PaymentMethod
from orders.services import Delivery, order_place


@pytest.fixture
def product(db):  # type: ignore[no-untyped-def]
    return ProductFactory(stock=5, price=49_990)


@pytest.fixture
def customer_with_cart(customer, product):  # type: ignore[no-untyped-def]
    from django.contrib.sessions.backends.db import SessionStore

    cart_set_quantity(user=customer, session=SessionStore(), product=product, quantity=2)
    return customer


@pytest.fixture
def placed_order(customer, product):  # type: ignore[no-untyped-def]
    return order_place(
        customer=customer,
        quantities={product.pk: 1},
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
