"""The courier calls only Albanian numbers: a delivery phone must be +355."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.forms import CheckoutForm
from orders.models import Order, PaymentMethod
from orders.services import Delivery, OrderError, order_place

pytestmark = pytest.mark.django_db

CHECKOUT = "/porosite/arka/"
REFUSED = "Numri i telefonit për dorëzimin duhet të jetë shqiptar (+355)"


def _form(phone: str) -> dict[str, str]:
    return {
        "address": "new",
        "municipality": "tirane",
        "street": "Rr. Ismail Qemali 21",
        "phone": phone,
        "payment_method": "cod",
    }


@pytest.mark.parametrize("phone", ["+39 312 345 6789", "0044 7911 123456"])
def test_checkout_refuses_a_foreign_delivery_phone_with_a_clear_message(
    customer_client, customer_with_cart, product, phone
):
    # when
    response = customer_client.post(CHECKOUT, _form(phone))
    # then
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5


def test_checkout_takes_an_albanian_delivery_phone(customer_client, customer_with_cart):
    response = customer_client.post(CHECKOUT, _form("068 765 4321"))
    assert response.status_code == 302
    assert Order.objects.get().delivery_phone == "+355687654321"


def test_the_form_refuses_with_its_own_code():
    form = CheckoutForm(_form("+39 312 345 6789"), addresses=[])
    assert not form.is_valid()
    assert form.errors.as_data()["phone"][0].code == "not_albanian"


def test_a_foreign_contact_phone_is_not_offered_to_the_courier(customer_client, customer_with_cart):
    # given: a customer who lives abroad gave a foreign contact number
    customer_with_cart.phone = "+393123456789"
    customer_with_cart.save(update_fields=["phone"])
    # when
    html = customer_client.get(CHECKOUT).content.decode()
    # then: the checkout does not fill in a number it would refuse
    assert "+39 312 345 6789" not in html
    assert "+355" in html  # the help text says what is wanted


def test_checkout_page_asks_for_an_albanian_number(customer_client, customer_with_cart):
    html = customer_client.get(reverse("orders:checkout")).content.decode()
    assert "duhet një numër shqiptar (+355)" in html


def test_the_order_service_itself_refuses_a_foreign_delivery_phone(customer, product):
    """Not only the checkout form: the back office, a script or an API reach order_place too."""
    # when
    with pytest.raises(OrderError, match=r"\(\+355\)"):
        order_place(
            customer=customer,
            quantities={product.pk: 1},
            delivery=Delivery(
                name="Arta Hoxha",
                phone_e164="+393123456789",
                municipality="tirane",
                street="Rr. Ismail Qemali 21",
                notes="",
            ),
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
            language="sq",
            actor=customer,
        )
    # then nothing changed: no order, the stock is whole
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5
