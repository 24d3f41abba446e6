from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Address
from accounts.tests.factories import AddressFactory, UnverifiedUserFactory
from catalog.models import Product
from core.testing import run_tasks, text_body
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus
from orders.services import order_change_status

pytestmark = pytest.mark.django_db

CHECKOUT = "/porosite/arka/"


def _new_address_form(**overrides: str) -> dict[str, str]:
    data = {
        "address": "new",
        "municipality": "tirane",
        "street": "Rr. Ismail Qemali 21",
        "save_address": "on",
        "phone": "069 123 4567",
        "notes": "Kati 2",
        "payment_method": "cod",
    }
    data.update(overrides)
    return data


def test_p3_checkout_requires_an_account(client, product):
    client.post("/shporta/shto/", {"product": product.pk, "quantity": 1})
    response = client.get(CHECKOUT)
    assert response.status_code == 302
    assert response["Location"].startswith("/llogaria/hyr/?next=/porosite/arka/")


def test_checkout_requires_a_verified_email(client, product):
    unverified = UnverifiedUserFactory()
    client.force_login(unverified)
    client.post("/shporta/shto/", {"product": product.pk, "quantity": 1})
    response = client.get(CHECKOUT)
    assert response.status_code == 403
    assert "Verifikoni email-in" in response.content.decode()
    assert client.post(CHECKOUT, _new_address_form()).status_code == 403
    assert not Order.objects.exists()


def test_checkout_places_order_takes_stock_and_mails_confirmation(
    customer_client, customer_with_cart, product, smtp_server
):
    response = customer_client.post(CHECKOUT, _new_address_form())
    order = Order.objects.get()
    # Order pages are addressed by an opaque token, never the order number (P7).
    assert response["Location"] == f"/porosite/{order.public_id}/u-vendos/"
    assert order.number not in response["Location"]
    assert order.total == 2 * 49_990
    assert order.delivery_phone == "+355691234567"
    assert order.status == OrderStatus.PLACED
    product.refresh_from_db()
    assert product.stock == 3
    assert [a.street for a in Address.objects.filter(user=customer_with_cart)] == [
        "Rr. Ismail Qemali 21"
    ]
    assert not customer_with_cart.cart.lines.exists()
    placed = customer_client.get(response["Location"])
    assert order.number in placed.content.decode()
    run_tasks()
    [mail] = smtp_server.messages
    assert order.number in mail["Subject"]
    assert order.number in text_body(mail)


def test_checkout_with_saved_address(customer_client, customer_with_cart):
    address = AddressFactory(user=customer_with_cart, street="Rr. e Kavajës 3")
    customer_client.post(CHECKOUT, _new_address_form(address=str(address.pk)))
    assert Order.objects.get().delivery_street == "Rr. e Kavajës 3"


def test_another_customers_address_cannot_be_used(
    customer_client, customer_with_cart, other_customer
):
    theirs = AddressFactory(user=other_customer)
    response = customer_client.post(CHECKOUT, _new_address_form(address=str(theirs.pk)))
    assert response.status_code == 200
    assert "address" in response.context["form"].errors
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "123"},
        {"street": ""},
        {"municipality": "atlantis"},
        {"payment_method": "card"},
        {"notes": "x" * 5000},
    ],
)
def test_bad_checkout_input_changes_nothing(
    customer_client, customer_with_cart, product, overrides
):
    response = customer_client.post(CHECKOUT, _new_address_form(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5
    assert not OutboxMessage.objects.filter(kind=MailKind.ORDER_CONFIRMATION).exists()


def test_stock_gone_since_the_cart_was_filled_is_told_clearly(
    customer_client, customer_with_cart, product
):
    Product.objects.filter(pk=product.pk).update(stock=1)
    response = customer_client.post(CHECKOUT, _new_address_form(), follow=True)
    assert "kanë mbetur vetëm 1 copë" in response.content.decode()
    assert not Order.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == 1


def test_order_history_and_detail(customer_client, placed_order):
    listing = customer_client.get(reverse("orders:list"))
    assert placed_order.number in listing.content.decode()
    detail = customer_client.get(placed_order.get_absolute_url())
    assert detail.status_code == 200
    assert "Rr. Myslym Shyri 10" in detail.content.decode()


@pytest.mark.parametrize("name", ["orders:detail", "orders:placed", "orders:cancel"])
def test_another_customer_gets_404_and_nothing_changes(client, other_customer, placed_order, name):
    client.force_login(other_customer)
    url = reverse(name, kwargs={"token": placed_order.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED


def test_customer_cancels_until_confirmed(customer_client, placed_order, product):
    customer_client.post(reverse("orders:cancel", kwargs={"token": placed_order.public_id}))
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.CANCELLED
    product.refresh_from_db()
    assert product.stock == 5


def test_customer_cannot_cancel_a_confirmed_order(customer_client, placed_order):
    order_change_status(order=placed_order, to_status=OrderStatus.CONFIRMED, actor=None)
    response = customer_client.post(
        reverse("orders:cancel", kwargs={"token": placed_order.public_id}), follow=True
    )
    assert "nuk mund të anulohet" in response.content.decode()
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.CONFIRMED


def test_p7_an_old_link_by_order_number_takes_its_owner_to_the_token_address(
    customer_client, placed_order, client, other_customer
):
    old = f"/porosite/{placed_order.number}/"
    response = customer_client.get(old)
    assert response.status_code == 302
    assert response["Location"] == placed_order.get_absolute_url()
    client.force_login(other_customer)
    assert client.get(old).status_code == 404
