"""Each role lands on its own day's work in the back office, and on nobody else's.

Sales see the orders to confirm, today's orders and their value, a chart of the last
two weeks and low stock; customer care the open cases; marketing the subscribers by
topic and the latest campaigns; the data-protection officer the erasure requests due.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from e2e.test_axe import AXE, VIEWPORTS, _violations
from e2e.test_backoffice_order_page import sign_in_with_code
from orders.models import Order
from orders.tests.factories import place_order
from privacy.roles import Role
from rights.models import ErasureRequest, ErasureState, RequestChannel
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, SupportCase

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser

SALES = "Porositë sot"
CHART = "Porositë e dy javëve të fundit"
LOW_STOCK = "Gjendje e ulët në magazinë"
CASES = "Rastet e hapura"
AUDIENCE = "Abonentët sipas temës"
CAMPAIGNS = "Fushatat e fundit"
DUE = "Kërkesat për fshirje me afat"
EVERY_PANEL = {SALES, CHART, LOW_STOCK, CASES, AUDIENCE, CAMPAIGNS, DUE}
# The panels each role's permissions show.
PANELS = {
    Role.SALES: {SALES, CHART, LOW_STOCK},
    Role.CUSTOMER_CARE: {SALES, CHART, CASES},
    Role.MARKETING: {LOW_STOCK, AUDIENCE, CAMPAIGNS},
    Role.DATA_PROTECTION_OFFICER: {CASES, AUDIENCE, CAMPAIGNS, DUE},
}


@pytest.fixture
def day_of_work(live_server: Any, settings: Any) -> None:
    settings.FEJZO_STAFF_2FA = True
    customer = UserFactory(first_name="Ardita", last_name="Kelmendi")
    television = ProductFactory(name_sq="Televizor LG 43", price=40_000, stock=50)
    ProductFactory(name_sq="Fshesë me korrent", stock=1)
    place_order(customer=customer, quantities={television.pk: 1})
    SupportCase.objects.create(
        customer=customer,
        channel=CaseChannel.PHONE,
        summary="Televizori nuk ndizet",
        opened_at=timezone.now(),
    )
    ErasureRequest.objects.create(
        subject=UserFactory(),
        channel=RequestChannel.EMAIL,
        state=ErasureState.VERIFIED,
        received_at=timezone.now() - timedelta(days=20),
        due_at=timezone.now() + timedelta(days=3),
    )


@pytest.mark.parametrize("role", list(PANELS))
def test_each_role_lands_on_its_own_panels(
    open_page: PageOpener, live_server: Any, day_of_work: None, role: Role
) -> None:
    # given a staff member of this role, signed in with the second factor
    page = open_page()
    sign_in_with_code(page, live_server, StaffFactory(role=role))

    # then the landing page shows their panels, each a titled region, and no one else's
    for title in PANELS[role]:
        expect(page.get_by_role("region", name=title)).to_be_visible()
    for title in EVERY_PANEL - PANELS[role]:
        expect(page.get_by_role("region", name=title)).to_have_count(0)
    # and the list of pages is still below them
    expect(page.locator("#content-main")).to_be_visible()
    assert "Kelmendi" not in page.locator(".dashboard-panels").inner_text()


def test_sales_see_the_day_and_a_chart_that_works_without_script(
    open_page: PageOpener, live_server: Any, day_of_work: None
) -> None:
    page = open_page(java_script_enabled=False)
    sign_in_with_code(page, live_server, StaffFactory(role=Role.SALES))

    today = page.get_by_role("region", name=SALES)
    expect(today).to_contain_text("Për t'u konfirmuar")
    expect(today).to_contain_text("40\u00a0000\u00a0L")
    chart = page.get_by_role("region", name=CHART).get_by_role("img")
    expect(chart).to_have_accessible_name(re.compile(r"Porositë për ditë, 14 ditët e fundit"))
    assert chart.locator("rect").count() == 14
    # its figures as a table, opened without JavaScript
    page.get_by_text("Të dhënat e grafikut").click()
    rows = page.get_by_role("region", name=CHART).locator("details tbody tr")
    expect(rows).to_have_count(14)
    expect(rows.last).to_contain_text("1")
    expect(page.get_by_role("region", name=LOW_STOCK)).to_contain_text("Fshesë me korrent")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_dashboard_and_packing_slip_have_no_axe_violations(
    open_page: PageOpener, live_server: Any, day_of_work: None, viewport: str
) -> None:
    # given an administrator, who sees every panel, and an order to print
    administrator = UserFactory(is_staff=True, is_superuser=True)
    order = Order.objects.get()
    page = open_page(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page.context.add_init_script(path=str(AXE))
    sign_in_with_code(page, live_server, administrator)
    # when axe scans the landing page and the slip
    problems = [
        *_violations(page, live_server.url + "/zyra/"),
        *_violations(page, f"{live_server.url}/zyra/orders/order/{order.pk}/fleta-e-paketimit/"),
    ]
    # then it finds nothing
    assert problems == [], "\n".join(problems)
