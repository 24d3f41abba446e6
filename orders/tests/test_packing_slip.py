"""The packing slip: what to pack, and the delivery as far as the role matrix lets one see (P5)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderStatus
from orders.services import order_assign
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.registry import registry
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

NAME = ("Ardita", "Kelmendi")
PHONE = "+355691234567"
STREET = "Rr. Myslym Shyri 10"


@pytest.fixture
def person() -> User:
    return UserFactory(first_name=NAME[0], last_name=NAME[1], phone=PHONE)


@pytest.fixture
def order(person: User) -> Order:
    television = ProductFactory(sku="3VF-TV-00777", name_sq="Televizor Samsung 55", stock=5)
    kettle = ProductFactory(sku="3VF-IV-00042", name_sq="Ibrik elektrik", stock=5)
    return place_order(customer=person, quantities={television.pk: 2, kettle.pk: 1})


def _slip(order: Order) -> str:
    return reverse("admin:orders_order_packing_slip", args=[order.pk])


def _get(client: Client, staff: User, url: str) -> tuple[int, str]:
    client.force_login(staff)
    response = client.get(url)
    return response.status_code, response.content.decode()


def _delivery(html: str) -> dict[str, str]:
    """Return each delivery field's value as the slip prints it, by field name."""
    return {
        name: re.sub(r"\s+", " ", value).strip()
        for name, value in re.findall(
            r'data-field="([a-z_]+)"><dt>.*?</dt><dd>(.*?)</dd>', html, re.S
        )
    }


def _masked(order: Order, name: str) -> str:
    """Return the field as the order page masks it, through the admin's own reader."""
    return str(getattr(admin.site._registry[Order], f"masked__{name}")(order))


def test_slip_lists_number_date_and_every_line_with_sku_and_quantity(client, order):
    # given a sales agent: the order waits in the sales queue
    status, html = _get(client, StaffFactory(role=Role.SALES), _slip(order))
    # then
    assert status == 200
    assert order.number in html
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html, re.S)
    assert any(
        "Televizor Samsung 55" in row and "3VF-TV-00777" in row and ">2<" in row for row in rows
    )
    assert any("Ibrik elektrik" in row and "3VF-IV-00042" in row and ">1<" in row for row in rows)
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", html), "the date reads as on the site"


def test_p5_slip_shows_the_address_to_a_role_the_matrix_grants_and_records_it(
    client, order, person
):
    # given a sales agent with the order in the queue: the matrix gives sales the address
    sales = StaffFactory(role=Role.SALES)
    # when
    status, html = _get(client, sales, _slip(order))
    # then everything is printed in full
    assert status == 200
    delivery = _delivery(html)
    assert delivery["delivery_street"] == STREET
    assert delivery["delivery_name"] == " ".join(NAME)
    assert delivery["delivery_phone"] == PHONE
    assert delivery["delivery_municipality"] == "Tiranë"
    # and the reveal is in the access record, the same way the order page writes it
    entry = AccessEntry.objects.get(subject_id=person.pk, actor=sales)
    assert (entry.action, entry.basis, entry.reference) == (
        AccessAction.REVEAL,
        AccessBasis.ORDER,
        order.number,
    )
    assert "orders.Order.delivery_street" in entry.field_names
    assert "orders.Order.delivery_phone" in entry.field_names


def test_p5_slip_masks_the_address_for_a_role_the_matrix_does_not_grant_it(client, order, person):
    # given customer care with the order handed to them by sales: the matrix gives care
    # identity and contact for an order, never the address
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    order_assign(order=order, staff=care, actor=StaffFactory(role=Role.SALES))
    # when
    status, html = _get(client, care, _slip(order))
    # then the address is masked exactly as the order page masks it; name and phone show
    assert status == 200
    delivery = _delivery(html)
    assert STREET not in html
    assert delivery["delivery_street"] == _masked(order, "delivery_street")
    assert delivery["delivery_name"] == " ".join(NAME)
    assert delivery["delivery_phone"] == PHONE
    assert "slip-masked-note" in html
    # and the record names only what was shown
    entry = AccessEntry.objects.get(subject_id=person.pk, actor=care)
    assert "orders.Order.delivery_phone" in entry.field_names
    assert "orders.Order.delivery_street" not in entry.field_names
    assert "orders.Order.delivery_notes" not in entry.field_names


def test_p5_slip_without_a_purpose_is_all_masked_and_records_nothing(client, order, person):
    # given customer care with no case or order of this customer
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    # when
    status, html = _get(client, care, _slip(order))
    # then
    assert status == 200
    delivery = _delivery(html)
    for name in ("delivery_name", "delivery_phone", "delivery_street"):
        assert delivery[name] == _masked(order, name)
    assert PHONE not in html and STREET not in html and NAME[1] not in html
    assert not AccessEntry.objects.filter(actor=care).exists()


def test_p5_slip_prints_the_fields_the_registry_declares_not_a_list_of_its_own(client, order):
    status, html = _get(client, StaffFactory(role=Role.SALES), _slip(order))
    assert list(_delivery(html)) == list(registry.fields_of(Order))


@pytest.mark.parametrize("role", [Role.MARKETING, Role.DATA_PROTECTION_OFFICER])
def test_p5_marketing_and_the_officer_get_no_slip_and_no_status_change(client, order, role):
    # given
    staff = StaffFactory(role=role)
    client.force_login(staff)
    # when
    slip = client.get(_slip(order))
    change = client.post(
        reverse("admin:orders_order_change_status", args=[order.pk]),
        {"status": OrderStatus.CONFIRMED.value},
    )
    # then both are refused, nothing changed and nothing was seen
    assert slip.status_code == 403
    assert change.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not order.status_changes.exclude(from_status="").exists()
    assert not AccessEntry.objects.filter(actor=staff).exists()
    assert order.number not in slip.content.decode()


def test_p5_order_page_links_the_slip_only_for_those_who_may_print_it(client, order):
    slip = _slip(order)
    page = reverse("admin:orders_order_change", args=[order.pk])
    _status, sales_html = _get(client, StaffFactory(role=Role.SALES), page)
    assert f'href="{slip}"' in sales_html
    _status, officer_html = _get(client, StaffFactory(role=Role.DATA_PROTECTION_OFFICER), page)
    assert f'href="{slip}"' not in officer_html


def test_slip_of_an_unknown_order_is_not_found(client, order):
    client.force_login(StaffFactory(role=Role.SALES))
    missing = reverse("admin:orders_order_packing_slip", args=[order.pk + 1000])
    assert client.get(missing).status_code == 404


def test_p6_slip_has_no_inline_style_or_script(client, order):
    _status, html = _get(client, StaffFactory(role=Role.SALES), _slip(order))
    assert "style=" not in html and "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert re.search(r"\son[a-z]+=", html) is None
    assert "css/packing-slip.css" in html
