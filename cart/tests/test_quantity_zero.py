"""Typing 0 in the cart's quantity box takes the line out, as shoppers expect."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from cart.models import CartLine
from cart.services import cart_quantities, cart_set_quantity
from catalog.models import Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ADD = reverse("cart:add")
UPDATE = reverse("cart:update")


def test_quantity_zero_removes_a_visitors_line_and_keeps_the_others(client):
    # given
    gone, kept = ProductFactory(stock=5), ProductFactory(stock=5)
    client.post(ADD, {"product": gone.pk, "quantity": 2})
    client.post(ADD, {"product": kept.pk, "quantity": 1})

    # when
    response = client.post(UPDATE, {"product": gone.pk, "quantity": "0"}, follow=True)

    # then
    assert response.status_code == 200
    assert "Produkti u hoq nga shporta." in response.content.decode()
    assert client.session["cart"] == {str(kept.pk): 1}


def test_quantity_zero_removes_a_customers_line(customer_client, customer):
    product = ProductFactory(stock=5)
    customer_client.post(ADD, {"product": product.pk, "quantity": 3})
    customer_client.post(UPDATE, {"product": product.pk, "quantity": "0"})
    assert not CartLine.objects.filter(cart__user=customer).exists()


def test_quantity_zero_removes_a_product_no_longer_sold(customer_client, customer):
    product = ProductFactory(stock=5)
    customer_client.post(ADD, {"product": product.pk, "quantity": 1})
    Product.objects.filter(pk=product.pk).update(is_active=False)
    customer_client.post(UPDATE, {"product": product.pk, "quantity": "0"})
    assert not CartLine.objects.filter(cart__user=customer).exists()


def test_quantity_zero_of_a_product_not_in_the_cart_changes_nothing(client):
    product, other = ProductFactory(stock=5), ProductFactory(stock=5)
    client.post(ADD, {"product": product.pk, "quantity": 1})
    client.post(UPDATE, {"product": other.pk, "quantity": "0"})
    assert client.session["cart"] == {str(product.pk): 1}


@pytest.mark.parametrize(("quantity", "message"), [("-1", "më pak se 0"), ("abc", "numër")])
def test_negative_or_garbage_quantities_are_still_refused(client, quantity, message):
    product = ProductFactory(stock=5)
    client.post(ADD, {"product": product.pk, "quantity": 2})
    response = client.post(UPDATE, {"product": product.pk, "quantity": quantity}, follow=True)
    assert message in response.content.decode()
    assert client.session["cart"] == {str(product.pk): 2}


def test_adding_zero_is_still_refused(client):
    product = ProductFactory(stock=5)
    response = client.post(ADD, {"product": product.pk, "quantity": "0"}, follow=True)
    assert "të paktën 1" in response.content.decode()
    assert client.session.get("cart", {}) == {}


def test_the_service_removes_the_line_at_zero(customer):
    product = ProductFactory(stock=5)
    session = SessionStore()
    cart_set_quantity(user=customer, session=session, product=product, quantity=2)
    assert cart_set_quantity(user=customer, session=session, product=product, quantity=0) == 0
    assert cart_quantities(user=customer, session=session) == {}


def test_the_cart_page_lets_the_box_go_down_to_zero(client):
    product = ProductFactory(stock=5)
    client.post(ADD, {"product": product.pk, "quantity": 1})
    html = client.get(reverse("cart:detail")).content.decode()
    assert f'id="qty-{product.pk}" type="number" name="quantity" value="1" min="0"' in html
