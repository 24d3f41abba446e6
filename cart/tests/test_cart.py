from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cart.models import CartLine
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ADD = "/shporta/shto/"


def _session_cart(client) -> dict:  # type: ignore[no-untyped-def]
    return client.session.get("cart", {})


def test_visitor_adds_to_a_session_cart(client):
    product = ProductFactory(stock=5)
    response = client.post(ADD, {"product": product.pk, "quantity": 2}, follow=True)
    assert response.status_code == 200
    assert _session_cart(client) == {str(product.pk): 2}
    assert "u shtua në shportë" in response.content.decode()
    page = client.get(reverse("cart:detail"))
    assert product.name_sq in page.content.decode()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-1", "të paktën 1"),
        ("0", "të paktën 1"),
        ("abc", "numër të plotë"),
        ("100000000000000000000", "maksimale"),
        ("6", "vetëm 5 copë"),
    ],
)
def test_bad_quantities_are_explained_and_change_nothing(client, quantity, message):
    product = ProductFactory(stock=5)
    response = client.post(ADD, {"product": product.pk, "quantity": quantity}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _session_cart(client) == {}


def test_unknown_or_malformed_product_is_refused(client):
    for product in ["999999", "x", "", "-5"]:
        response = client.post(ADD, {"product": product, "quantity": 1}, follow=True)
        assert response.status_code == 200
    assert _session_cart(client) == {}


def test_adding_beyond_stock_in_two_steps_is_refused(client):
    product = ProductFactory(stock=3)
    client.post(ADD, {"product": product.pk, "quantity": 2})
    client.post(ADD, {"product": product.pk, "quantity": 2})
    assert _session_cart(client) == {str(product.pk): 2}


def test_visitor_cart_merges_into_account_on_login(client, customer):
    kept, added = ProductFactory(stock=10), ProductFactory(stock=4)
    client.force_login(customer)
    client.post(ADD, {"product": kept.pk, "quantity": 1})
    client.logout()
    client.post(ADD, {"product": kept.pk, "quantity": 2})
    client.post(ADD, {"product": added.pk, "quantity": 4})
    client.post(
        reverse("accounts:login"),
        {"username": customer.email, "password": "fjalekalim-i-sigurt-42"},
    )
    lines = dict(CartLine.objects.filter(cart__user=customer).values_list("product_id", "quantity"))
    assert lines == {kept.pk: 3, added.pk: 4}
    assert _session_cart(client) == {}


def test_update_and_remove(customer_client, customer):
    product = ProductFactory(stock=9)
    customer_client.post(ADD, {"product": product.pk, "quantity": 1})
    customer_client.post(reverse("cart:update"), {"product": product.pk, "quantity": 4})
    assert CartLine.objects.get(cart__user=customer).quantity == 4
    customer_client.post(reverse("cart:remove"), {"product": product.pk})
    assert not CartLine.objects.filter(cart__user=customer).exists()


def test_cart_page_query_count_does_not_grow_with_lines(client):
    products = ProductFactory.create_batch(12, stock=5)
    client.post(ADD, {"product": products[0].pk, "quantity": 1})
    with CaptureQueriesContext(connection) as one_line:
        client.get(reverse("cart:detail"))
    for product in products[1:]:
        client.post(ADD, {"product": product.pk, "quantity": 1})
    with CaptureQueriesContext(connection) as twelve_lines:
        client.get(reverse("cart:detail"))
    assert len(twelve_lines) == len(one_line)


def test_absurd_product_ids_change_nothing(customer_client, customer):
    response = customer_client.post(
        ADD, {"product": "99999999999999999999999999", "quantity": 1}, follow=True
    )
    assert response.status_code == 200
    assert not CartLine.objects.filter(cart__user=customer).exists()
    customer_client.post(reverse("cart:remove"), {"product": "99999999999999999999999999"})
