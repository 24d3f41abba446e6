"""The back office's landing page: each role's panels, registered by the apps that own them."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from core.money import format_lek
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.roles import Role
from rights.models import ErasureRequest, ErasureState, RequestChannel
from staff.admin_base import dashboard as registry_module
from staff.admin_base.dashboard import (
    Bar,
    BarChart,
    DashboardPanel,
    Figure,
    Figures,
    dashboard_panel_add,
    dashboard_panels,
    dashboard_panels_for,
)
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, SupportCase

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
SALES_PANELS = {"orders-today", "orders-per-day", "catalog-low-stock", "contractors-follow-ups"}
# What each role's permissions show (the apps grant them in their permissions.py).
PANELS_BY_ROLE = {
    Role.SALES: SALES_PANELS,
    Role.CUSTOMER_CARE: {
        "orders-today",
        "orders-per-day",
        "support-open-cases",
        "contractors-follow-ups",
    },
    Role.MARKETING: {"catalog-low-stock", "campaigns-audience", "campaigns-recent"},
    Role.DATA_PROTECTION_OFFICER: {
        "support-open-cases",
        "campaigns-audience",
        "campaigns-recent",
        "rights-requests-due",
        "contractors-agreements-due",
        "staff-training-due",
        "consent-rates",
        "subscriptions-opt-outs",
        "legal-requests",
        "breaches-open",
    },
}
ALL_PANELS = set().union(*PANELS_BY_ROLE.values())
# What the shop's people would recognise of a customer; no panel may show any of it.
PERSONAL = ("Ardita", "Kelmendi", "ardita.kelmendi@example.al", "691234567", "Myslym Shyri")


def _panels_shown(html: str) -> set[str]:
    return set(re.findall(r'data-panel="([a-z-]+)"', html))


def _index(client: Client, staff: User) -> str:
    client.force_login(staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def person() -> User:
    return UserFactory(
        first_name="Ardita",
        last_name="Kelmendi",
        email="ardita.kelmendi@example.al",
        phone="+355691234567",
    )


@pytest.fixture
def day_of_work(person: User) -> dict[str, object]:
    """Orders (two today, one waiting since yesterday), a case, low stock, an erasure due."""
    television = ProductFactory(name_sq="Televizor LG 43", sku="3VF-TV-00043", price=40_000)
    ProductFactory(name_sq="Fshesë me korrent", sku="3VF-SH-00001", stock=0)
    today = [place_order(customer=person, quantities={television.pk: 1}) for _ in range(2)]
    yesterday = place_order(customer=person, quantities={television.pk: 1})
    Order.objects.filter(pk=yesterday.pk).update(placed_at=timezone.now() - timedelta(days=1))
    order_change_status(order=today[1], to_status=OrderStatus.CONFIRMED, actor=None)
    SupportCase.objects.create(
        customer=person,
        channel=CaseChannel.PHONE,
        summary="Ardita Kelmendi: televizori nuk ndizet",
        customer_message="Rr. Myslym Shyri 10",
        opened_at=timezone.now(),
    )
    ErasureRequest.objects.create(
        subject=person,
        channel=RequestChannel.ACCOUNT,
        state=ErasureState.VERIFIED,
        received_at=timezone.now() - timedelta(days=35),
        due_at=timezone.now() - timedelta(days=4),
    )
    return {"today": today, "yesterday": yesterday}


@pytest.mark.parametrize("role", list(PANELS_BY_ROLE))
def test_each_role_sees_its_panels_and_no_other(client, role, day_of_work):
    html = _index(client, StaffFactory(role=role))
    assert _panels_shown(html) == PANELS_BY_ROLE[role]


def test_marketing_sees_no_orders_revenue_and_sales_no_campaigns(client, day_of_work):
    marketing = _index(client, StaffFactory(role=Role.MARKETING))
    assert "Porositë sot" not in marketing and "Vlera e tyre" not in marketing
    assert "dashboard-chart" not in marketing
    sales = _index(Client(), StaffFactory(role=Role.SALES))
    assert "Abonentët sipas temës" not in sales and "Kërkesat për fshirje" not in sales


def test_sales_panel_counts_the_day_in_money_and_orders(client, day_of_work):
    # given: three orders of 40 000 L, two placed today, two still waiting for confirmation
    html = _index(client, StaffFactory(role=Role.SALES))
    # then
    figures = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(?:<a [^>]*>)?(.*?)(?:</a>)?</dd>", html))
    assert figures["Për t&#x27;u konfirmuar"] == "2"
    assert figures["Porositë e sotme"] == "2"
    assert figures["Vlera e tyre"] == format_lek(80_000)
    yesterday = day_of_work["yesterday"]
    assert isinstance(yesterday, Order)
    assert reverse("admin:orders_order_change", args=[yesterday.pk]) in html
    assert "Fshesë me korrent" in html, "a product out of stock is listed as low"


def test_orders_chart_is_an_inline_svg_with_a_table_of_its_figures(client, day_of_work):
    html = _index(client, StaffFactory(role=Role.SALES))
    chart = re.search(r'<figure class="dashboard-chart".*?</figure>', html, re.S)
    assert chart is not None
    figure = chart.group(0)
    assert '<svg role="img" aria-labelledby=' in figure
    assert len(re.findall(r"<rect ", figure)) == 14
    rows = re.findall(r'<tr><th scope="row">(\d{2}\.\d{2}\.\d{4})</th><td>(\d+)</td></tr>', figure)
    assert len(rows) == 14
    today = timezone.localdate().strftime("%d.%m.%Y")
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d.%m.%Y")
    assert rows[-1] == (today, "2") and rows[-2] == (yesterday, "1")
    # drawn on the server from our own origin: no script, no file from elsewhere
    assert "http" not in figure.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_officer_sees_the_overdue_request_first(client, day_of_work):
    html = _index(client, StaffFactory(role=Role.DATA_PROTECTION_OFFICER))
    request = ErasureRequest.objects.get()
    assert str(request) in html
    assert 'class="dashboard-urgent"' in html


def test_p5_no_panel_shows_personal_data(client, day_of_work):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    html = _index(client, administrator)
    panels = html.split('class="dashboard-panels"', 1)[1].split('id="content-main"', 1)[0]
    assert _panels_shown(html) >= {"orders-today", "catalog-low-stock", "rights-requests-due"}
    for value in PERSONAL:
        assert value not in panels


def _queries(client: Client, staff: User) -> int:
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX).status_code == 200
    return len(queries)


def test_panels_read_with_a_constant_number_of_queries(client, person):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    product = ProductFactory(stock=500)
    place_order(customer=person, quantities={product.pk: 1})
    few = _queries(client, administrator)
    for _ in range(6):
        place_order(customer=person, quantities={product.pk: 1})
    for stock in range(3):
        ProductFactory(stock=stock)
    SupportCase.objects.create(
        customer=person, channel=CaseChannel.EMAIL, summary="Pyetje", opened_at=timezone.now()
    )
    assert _queries(client, administrator) == few


def test_staff_without_any_panel_permission_sees_the_plain_index(client):
    html = _index(client, UserFactory(is_staff=True))
    assert _panels_shown(html) == set()
    assert 'id="content-main"' in html


def test_a_panel_shows_only_to_its_permission_and_a_key_registers_once(monkeypatch):
    monkeypatch.setattr(registry_module, "_panels", [])
    panel = DashboardPanel(
        key="test-panel",
        title="Provë",
        permission="orders.view_order",
        parts=lambda request: [Figures(items=[Figure(label="Një", value="1")])],
    )
    dashboard_panel_add(panel)
    dashboard_panel_add(panel)
    assert dashboard_panels() == [panel]
    request = RequestFactory().get(INDEX)
    request.user = StaffFactory(role=Role.MARKETING)
    assert dashboard_panels_for(request) == []
    request.user = StaffFactory(role=Role.SALES)
    (shown,) = dashboard_panels_for(request)
    assert shown.key == "test-panel"


def test_a_panel_without_a_permission_is_refused(monkeypatch):
    monkeypatch.setattr(registry_module, "_panels", [])
    with pytest.raises(ImproperlyConfigured):
        dashboard_panel_add(
            DashboardPanel(key="open", title="Hapur", permission="", parts=lambda request: [])
        )


def test_bar_chart_scales_to_its_tallest_day_and_never_hides_a_small_one():
    chart = BarChart(
        key="k",
        caption="c",
        label_header="Dita",
        value_header="Porosi",
        bars=[Bar(label="a", value=0), Bar(label="b", value=1), Bar(label="c", value=500)],
    )
    heights = [column.height for column in chart.columns]
    assert heights[0] == 0 and heights[1] >= 1 and heights[2] == 120
    assert all(column.y + column.height == chart.baseline for column in chart.columns)
    assert chart.total == 501


def test_staff_imports_none_of_the_apps_that_register_panels():
    source = Path(settings.BASE_DIR, "staff", "admin_base", "dashboard.py").read_text()
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {
        "__future__",
        "collections",
        "dataclasses",
        "typing",
        "django",
        "django_stubs_ext",
        # its own chart part (staff.admin_base.charts)
        "staff",
    }
    assert all(panel.key in ALL_PANELS for panel in dashboard_panels())
