"""P6: the cart's "go back to" field is an address, never a view name (found by the fuzz).

A `next` that was no address and had no slash (an emoji, a word) reached
shortcuts.redirect(), which tried to reverse it as a view name and failed with a 500.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cart.models import CartLine
from catalog.tests.factories import ProductFactory


@pytest.mark.parametrize("next_value", ["👩🏽‍🔧🇦🇱", "kerko", "cart:detail"])
@pytest.mark.parametrize("view", ["cart:add", "cart:update"])
def test_p6_a_next_that_is_no_address_never_breaks_the_cart(
    client: Client, db: None, view: str, next_value: str
) -> None:
    # given a product on sale
    product = ProductFactory()
    # when the cart is sent a quantity and a "next" that names no address
    response = client.post(
        reverse(view), {"product": product.pk, "quantity": 1, "next": next_value}
    )
    # then the answer is a redirect, not a server error
    assert response.status_code == 302


def test_p6_a_refused_quantity_with_a_strange_next_changes_nothing(
    client: Client, db: None
) -> None:
    # given a product on sale
    product = ProductFactory()
    # when a negative quantity comes with a "next" that is no address
    response = client.post(
        reverse("cart:add"), {"product": product.pk, "quantity": -1, "next": "👩🏽‍🔧"}
    )
    # then it is refused plainly and the cart stays empty
    assert response.status_code == 302
    assert not CartLine.objects.exists()
