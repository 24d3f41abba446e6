"""A contact phone may be foreign (a customer living abroad); only delivery phones are +355."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.forms import ProfileForm
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import place_order

pytestmark = pytest.mark.django_db


def _profile(phone: str) -> dict[str, str]:
    return {"first_name": "Drita", "last_name": "Leka", "phone": phone, "language": "sq"}


@pytest.mark.parametrize(
    ("typed", "stored"), [("+39 312 345 6789", "+393123456789"), ("068 765 4321", "+355687654321")]
)
def test_profile_keeps_a_foreign_or_albanian_contact_phone(
    customer_client, customer, typed, stored
):
    response = customer_client.post(reverse("accounts:profile"), _profile(typed))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.phone == stored


def test_the_profile_form_does_not_apply_the_delivery_rule():
    form = ProfileForm(data=_profile("+44 7911 123456"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+447911123456"


def test_p12_a_foreign_contact_phone_does_not_replace_an_orders_delivery_phone(
    customer_client, customer
):
    # given: an unshipped order the courier will call on the customer's Albanian number
    customer.phone = "+355691111111"
    customer.save(update_fields=["phone"])
    order = place_order(customer=customer, quantities={ProductFactory(stock=3).pk: 1})
    # when: the customer moves abroad and gives a foreign contact number
    customer_client.post(reverse("accounts:profile"), _profile("+39 312 345 6789"))
    # then: the profile has it, the order keeps the number the courier can call
    customer.refresh_from_db()
    assert customer.phone == "+393123456789"
    assert Order.objects.get(pk=order.pk).delivery_phone == "+355691111111"
