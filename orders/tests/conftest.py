from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore

from cart.services import cart_set_quantity
from catalog.tests.factories import ProductFactory
from orders.tests.factories import place_order


@pytest.fixture
def product(db):  # type: ignore[no-untyped-def]
    return ProductFactory(stock=5, price=49_990)


@pytest.fixture
def customer_with_cart(customer, product):  # type: ignore[no-untyped-def]
    cart_set_quantity(user=customer, session=SessionStore(), product=product, quantity=2)
    return customer


@pytest.fixture
def placed_order(customer, product):  # type: ignore[no-untyped-def]
    return place_order(customer=customer, quantities={product.pk: 1})
