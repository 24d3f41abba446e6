from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Address
from accounts.tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert "/llogaria/hyr/" in response["Location"]


def test_profile_update_normalises_phone(customer_client, customer):
    response = customer_client.post(
        reverse("accounts:profile"),
        {"first_name": "Drita", "last_name": "Leka", "phone": "068 765 4321", "language": "en"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone, customer.language) == (
        "Drita",
        "+355687654321",
        "en",
    )


def test_address_book_add_edit_delete(customer_client, customer):
    customer_client.post(
        reverse("accounts:address_add"),
        {
            "municipality": "durres",
            "street": "Rr. Taulantia 5",
            "courier_notes": "Thirrni në portë",
        },
    )
    address = Address.objects.get(user=customer)
    assert address.is_default
    customer_client.post(
        reverse("accounts:address_edit", args=[address.pk]),
        {"municipality": "vlore", "street": "Lungomare 1", "courier_notes": ""},
    )
    address.refresh_from_db()
    assert (address.municipality, address.street) == ("vlore", "Lungomare 1")
    customer_client.post(reverse("accounts:address_delete", args=[address.pk]))
    assert not Address.objects.filter(pk=address.pk).exists()


def test_address_with_unknown_municipality_is_refused(customer_client, customer):
    response = customer_client.post(
        reverse("accounts:address_add"), {"municipality": "atlantis", "street": "Rr. 1"}
    )
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert not Address.objects.exists()


@pytest.mark.parametrize("name", ["address_edit", "address_delete"])
def test_another_customers_address_is_404_and_unchanged(customer_client, other_customer, name):
    theirs = AddressFactory(user=other_customer, street="Rr. e Tyre 9")
    url = reverse(f"accounts:{name}", args=[theirs.pk])
    assert customer_client.get(url).status_code == 404
    response = customer_client.post(url, {"municipality": "tirane", "street": "Rr. e Ime 1"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.street == "Rr. e Tyre 9"


def test_absurd_address_ids_are_404_not_500(customer_client):
    for address_id in ["0", "99999999999999999999999999"]:
        assert customer_client.get(f"/llogaria/adresat/{address_id}/ndrysho/").status_code == 404
