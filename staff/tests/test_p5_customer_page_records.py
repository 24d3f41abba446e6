"""P5: the customer page lists the customer's orders and cases, and nothing personal."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from core.money import format_lek
from orders.models import Order
from orders.tests.factories import place_order
from privacy.models import AccessEntry
from privacy.roles import Role
from staff.admin_base import CustomerPageInline, customer_page_inline_add, customer_page_inlines
from staff.admin_base import customer_page as customer_page_registry
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, SupportCase

pytestmark = pytest.mark.django_db

NAME, PHONE, STREET, SAID = "Vjollca", "+355691234567", "Rr. Myslym Shyri 10", "Kodi im 4411"


@pytest.fixture
def person() -> User:
    return UserFactory(first_name=NAME, last_name="Berisha", phone=PHONE)


@pytest.fixture
def order(person: User) -> Order:
    return place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})


@pytest.fixture
def case(person: User) -> SupportCase:
    return SupportCase.objects.create(
        customer=person,
        channel=CaseChannel.PHONE,
        summary="Pyet për garancinë",
        customer_message=SAID,
        opened_at="2026-11-27T10:00:00Z",
    )


def _page(client, staff: User, person: User):  # type: ignore[no-untyped-def]
    client.force_login(staff)
    return client.get(reverse("admin:accounts_user_change", args=[person.pk]))


def _section(html: str, heading: str) -> str:
    """Return the inline group under `heading`, so masks elsewhere on the page don't count."""
    start = html.index(heading)
    return html[start : html.index("</fieldset>", start)]


def test_p5_care_agent_sees_the_customers_orders_and_cases_on_their_page(
    client, person, order, case
):
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    response = _page(client, care, person)
    assert response.status_code == 200
    html = response.content.decode()
    orders = _section(html, "Porositë e klientit")
    assert order.number in orders
    assert reverse("admin:orders_order_change", args=[order.pk]) in orders
    assert format_lek(order.total) in orders
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", orders)
    assert order.get_status_display() in orders
    cases = _section(html, "Rastet e mbështetjes së klientit")
    assert f"#{case.pk}" in cases
    assert reverse("admin:support_supportcase_change", args=[case.pk]) in cases
    assert "27.11.2026" in cases
    assert case.get_status_display() in cases


def test_p5_the_lists_show_no_personal_field_and_reveal_nothing(client, person, order, case):
    # given a role that sees orders and cases but has no purpose for this customer
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    html = _page(client, dpo, person).content.decode()
    for heading in ("Porositë e klientit", "Rastet e mbështetjes së klientit"):
        section = _section(html, heading)
        assert NAME not in section and "691234567" not in section
        assert STREET not in section and SAID not in section
        assert "***" not in section  # not even masked: the lists name no personal field
        assert "Shiheni në sajt" not in section  # the customer's own pages are theirs
    assert order.number in html
    assert not AccessEntry.objects.filter(actor=dpo).exists()


def test_p5_marketing_does_not_see_the_customers_orders(client, person, order, case):
    marketing = StaffFactory(role=Role.MARKETING)
    response = _page(client, marketing, person)
    assert order.number not in response.content.decode()
    assert "Porositë e klientit" not in response.content.decode()


def test_p5_staff_who_may_see_the_customer_but_not_orders_see_no_lists(client, person, order, case):
    # given someone allowed the customer page and nothing about orders or cases
    clerk = StaffFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    response = _page(client, clerk, person)
    assert response.status_code == 200
    html = response.content.decode()
    assert order.number not in html and "Porositë e klientit" not in html
    assert reverse("admin:support_supportcase_change", args=[case.pk]) not in html
    assert "Rastet e mbështetjes së klientit" not in html


def test_orders_and_support_register_their_lists_without_staff_importing_them():
    models = {inline.model for inline in customer_page_inlines()}
    assert {Order, SupportCase} <= models
    user_admin = admin.site._registry[User]
    assert not any(inline.model in models for inline in user_admin.inlines), (
        "the lists come from the registration point, not from staff"
    )


def test_p5_a_list_naming_a_personal_field_is_refused(monkeypatch):
    class Careless(CustomerPageInline):
        model = Order
        fk_name = "customer"
        fields = ("number", "delivery_phone")

    monkeypatch.setattr(customer_page_registry, "_customer_page_inlines", customer_page_inlines())
    customer_page_inline_add(Careless)
    with pytest.raises(ImproperlyConfigured, match="delivery_phone"):
        customer_page_inlines()
