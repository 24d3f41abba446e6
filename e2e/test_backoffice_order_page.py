"""Staff run an order from its page: what to pack, the status by its button, the packing slip.

Staff sign in as they do in production: password and the authenticator app's code
(P14). The slip shows the delivery as far as the role matrix lets the reader see it
(P5): sales see the address; customer care, who handle an order's calls, do not.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib import admin
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from orders.models import Order, OrderStatus
from orders.services import order_assign
from orders.tests.factories import place_order
from privacy.models import AccessEntry
from privacy.roles import Role
from staff.tests.factories import StaffFactory

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser

STREET = "Rr. Myslym Shyri 10"


def sign_in_with_code(page: Page, live_server: Any, staff: User) -> None:
    """Sign in to the back office with the password and the app's current code."""
    device = TOTPDevice.objects.create(user=staff, name="Telefoni", confirmed=True)
    page.goto(live_server.url + "/zyra/login/?next=/zyra/")
    form = page.locator("#login-form")
    form.get_by_label(re.compile(r"mail", re.IGNORECASE)).fill(staff.email)
    form.get_by_label(re.compile(r"^Fjalëkalim(i)?:?$")).fill(TEST_PASSWORD)
    form.get_by_label("Kodi i verifikimit").fill(f"{totp(device.bin_key):06d}")
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/zyra/$"))


@pytest.fixture
def two_factor(settings: Any) -> None:
    settings.FEJZO_STAFF_2FA = True


@pytest.fixture
def order(live_server: Any) -> Order:
    customer = UserFactory(first_name="Ardita", last_name="Kelmendi", phone="+355691234567")
    television = ProductFactory(sku="3VF-TV-00777", name_sq="Televizor Samsung 55", stock=5)
    kettle = ProductFactory(sku="3VF-IV-00042", name_sq="Ibrik elektrik", stock=5)
    return place_order(customer=customer, quantities={television.pk: 2, kettle.pk: 1})


def _line(page: Page, product: str) -> Any:
    return page.get_by_role("row").filter(has_text=product)


def test_sales_confirms_from_the_order_page_and_prints_the_slip(
    open_page: PageOpener, live_server: Any, two_factor: None, order: Order
) -> None:
    # given a sales agent signed in with the second factor
    sales = StaffFactory(role=Role.SALES, first_name="Blerina", last_name="Hoxha")
    page = open_page()
    sign_in_with_code(page, live_server, sales)

    # when they open the order
    page.goto(f"{live_server.url}/zyra/orders/order/{order.pk}/change/")

    # then every line shows what to pack
    expect(_line(page, "Televizor Samsung 55")).to_contain_text("3VF-TV-00777")
    expect(_line(page, "Televizor Samsung 55")).to_contain_text("2")
    expect(_line(page, "Ibrik elektrik")).to_contain_text("3VF-IV-00042")

    # when they confirm it with the button on the page
    page.get_by_role("button", name="Konfirmo porosinë").click()

    # then it is confirmed, said so, and in the history
    expect(page.locator(".messagelist .success")).to_contain_text("kaloi në „E konfirmuar”")
    history = page.locator(".inline-group").filter(has_text="Historiku i statusit")
    expect(history).to_contain_text("E konfirmuar")
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    expect(page.get_by_role("button", name="Konfirmo porosinë")).to_have_count(0)

    # when they open the packing slip
    page.get_by_role("link", name="Fleta e paketimit").click()

    # then it lists the lines and, for sales, the whole address
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    slip_lines = page.get_by_role("table")
    expect(slip_lines.get_by_role("row").filter(has_text="Televizor Samsung 55")).to_contain_text(
        "3VF-TV-00777"
    )
    expect(page.locator('[data-field="delivery_street"] dd')).to_have_text(STREET)
    expect(page.locator('[data-field="delivery_name"] dd')).to_have_text("Ardita Kelmendi")
    expect(page.get_by_role("button", name="Shtype")).to_be_visible()
    # and the reveal is recorded, as on the order page
    recorded = [entry.field_names for entry in AccessEntry.objects.filter(actor=sales)]
    assert any("orders.Order.delivery_street" in fields for fields in recorded)


def test_customer_care_gets_a_slip_with_the_address_masked(
    open_page: PageOpener, live_server: Any, two_factor: None, order: Order
) -> None:
    # given customer care, to whom sales handed the order: the matrix gives care no address
    care = StaffFactory(role=Role.CUSTOMER_CARE, first_name="Genta", last_name="Shehu")
    order_assign(order=order, staff=care, actor=StaffFactory(role=Role.SALES))
    masked_street = admin.site._registry[Order].masked__delivery_street(order)
    page = open_page()
    sign_in_with_code(page, live_server, care)

    # when
    page.goto(f"{live_server.url}/zyra/orders/order/{order.pk}/fleta-e-paketimit/")

    # then the lines are there, the address is masked as on the order page
    expect(page.get_by_role("row").filter(has_text="Ibrik elektrik")).to_contain_text("1")
    expect(page.locator('[data-field="delivery_street"] dd')).to_have_text(masked_street)
    expect(page.get_by_text("Disa të dhëna janë të maskuara.")).to_be_visible()
    assert STREET not in page.content()
    # and the name and phone, which the matrix does give care, show
    expect(page.locator('[data-field="delivery_phone"] dd')).to_have_text("+355691234567")


def test_marketing_is_refused_the_slip(
    open_page: PageOpener, live_server: Any, two_factor: None, order: Order
) -> None:
    marketing = StaffFactory(role=Role.MARKETING)
    page = open_page()
    sign_in_with_code(page, live_server, marketing)
    response = page.goto(f"{live_server.url}/zyra/orders/order/{order.pk}/fleta-e-paketimit/")
    assert response is not None and response.status == 403
    assert order.number not in page.content()
