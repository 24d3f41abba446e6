"""Two customers racing for the last unit: exactly one order (needs real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.services import OrderError
from orders.tests.factories import place_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_checkouts_of_the_last_unit_make_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions are tested on PostgreSQL (CI runs it).")
    product = ProductFactory(stock=1)
    customers = UserFactory.create_batch(2)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def checkout(customer) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            order = place_order(customer=customer, quantities={product.pk: 1})
            outcomes.append(order)
        except OrderError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=checkout, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    orders = [o for o in outcomes if isinstance(o, Order)]
    errors = [o for o in outcomes if isinstance(o, OrderError)]
    assert len(orders) == 1 and len(errors) == 1
    assert "sapo u shit" in str(errors[0])
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.count() == 1


def test_sequential_checkout_of_the_last_unit_refuses_the_second(db):
    product = ProductFactory(stock=1)
    first, second = UserFactory.create_batch(2)

    place_order(customer=first, quantities={product.pk: 1})
    with pytest.raises(OrderError, match="sapo u shit"):
        place_order(customer=second, quantities={product.pk: 1})
    product.refresh_from_db()
    assert product.stock == 0
