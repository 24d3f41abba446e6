"""The order page of the back office: what to pack, and the status changed right there."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalog.tests.factories import ProductFactory
from core.money import format_lek
from orders.models import Order, OrderStatus, OrderStatusChange
from orders.services import order_assign, order_change_status
from orders.tests.factories import place_order
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PRICE, QUANTITY = 127_890, 2


@pytest.fixture
def order(customer: User) -> Order:
    television = ProductFactory(sku="3VF-TV-00777", name_sq="Televizor Samsung 55", price=PRICE)
    kettle = ProductFactory(sku="3VF-IV-00042", name_sq="Ibrik elektrik", price=2_490, stock=3)
    return place_order(customer=customer, quantities={television.pk: QUANTITY, kettle.pk: 1})


def _page(order: Order) -> str:
    return reverse("admin:orders_order_change", args=[order.pk])


def _status_url(order: Order) -> str:
    return reverse("admin:orders_order_change_status", args=[order.pk])


def _html(client: Client, staff: User, url: str) -> str:
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


def _history(order: Order) -> list[tuple[str, str]]:
    return list(order.status_changes.values_list("from_status", "to_status"))


def test_money_is_written_as_albanian_shops_write_it() -> None:
    assert format_lek(127_890) == "127\u00a0890\u00a0L"
    assert format_lek(0) == "0\u00a0L"
    assert format_lek(1_250_000) == "1\u00a0250\u00a0000\u00a0L"


def test_order_page_lists_what_to_pack_with_quantities_and_prices(client, order):
    # given a sales agent: the order waits in the sales queue, so sales have a purpose
    sales = StaffFactory(role=Role.SALES)
    # when
    html = _html(client, sales, _page(order))
    # then every line shows its product, SKU, quantity, unit price and line total
    rows = re.findall(r'<tr class="form-row[^"]*"[^>]*>(.*?)</tr>', html, re.S)
    television = next(row for row in rows if "Televizor Samsung 55" in row)
    assert "3VF-TV-00777" in television
    assert re.search(rf"field-quantity[^>]*>\s*(<p>)?{QUANTITY}(</p>)?\s*<", television)
    assert format_lek(PRICE) in television and format_lek(PRICE * QUANTITY) in television
    assert any("Ibrik elektrik" in row and "3VF-IV-00042" in row for row in rows)
    # and the total is money, not a bare number
    assert format_lek(PRICE * QUANTITY + 2_490) in html
    assert f">{PRICE * QUANTITY + 2_490}<" not in html


def test_lines_show_to_every_role_that_may_see_the_order(client, order):
    for role in (Role.SALES, Role.CUSTOMER_CARE, Role.DATA_PROTECTION_OFFICER):
        html = _html(client, StaffFactory(role=role), _page(order))
        assert "Televizor Samsung 55" in html and "3VF-TV-00777" in html, role


def test_sales_agent_confirms_a_placed_order_from_its_page(client, order):
    # given
    sales = StaffFactory(role=Role.SALES)
    html = _html(client, sales, _page(order))
    assert f'action="{_status_url(order)}"' in html
    assert 'name="status" value="confirmed"' in html
    assert 'name="status" value="cancelled"' in html
    assert 'name="status" value="delivered"' not in html
    # when
    response = client.post(_status_url(order), {"status": OrderStatus.CONFIRMED})
    # then
    assert response.status_code == 302 and response["Location"] == _page(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    change = order.status_changes.latest("changed_at", "id")
    assert (change.from_status, change.to_status, change.actor) == (
        OrderStatus.PLACED,
        OrderStatus.CONFIRMED,
        sales,
    )
    assert change.actor_label == Role.SALES.value
    assert any(
        order.number in message and "E konfirmuar" in message for message in _messages(response)
    )
    # and the page now offers the next steps
    html = client.get(_page(order)).content.decode()
    assert 'name="status" value="out_for_delivery"' in html
    assert 'name="status" value="confirmed"' not in html


def test_marketing_may_not_change_an_order_status(client, order):
    # given
    marketing = StaffFactory(role=Role.MARKETING)
    client.force_login(marketing)
    before = _history(order)
    # when
    response = client.post(_status_url(order), {"status": OrderStatus.CONFIRMED})
    # then
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and _history(order) == before


def test_officer_sees_the_order_but_no_status_buttons_and_is_refused(client, order):
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    html = _html(client, officer, _page(order))
    assert _status_url(order) not in html and 'name="status"' not in html
    response = client.post(_status_url(order), {"status": OrderStatus.CANCELLED})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not OrderStatusChange.objects.filter(order=order, to_status="cancelled").exists()


@pytest.mark.parametrize("to_status", [OrderStatus.DELIVERED, OrderStatus.PLACED, "shipped", ""])
def test_a_transition_the_rules_do_not_allow_is_refused_with_a_message(client, order, to_status):
    # given
    sales = StaffFactory(role=Role.SALES)
    client.force_login(sales)
    before = _history(order)
    # when
    response = client.post(_status_url(order), {"status": to_status}, follow=True)
    # then
    assert response.redirect_chain[-1][0] == _page(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and _history(order) == before
    html = response.content.decode()
    assert 'class="error"' in html
    if to_status in OrderStatus.values:
        assert "nuk mund të kalojë" in html
    else:
        assert "Zgjidhni një nga statuset e propozuara." in html


def test_a_closed_order_offers_no_status_change(client, order):
    order_change_status(order=order, to_status=OrderStatus.CANCELLED, actor=None)
    html = _html(client, StaffFactory(role=Role.SALES), _page(order))
    assert 'name="status"' not in html
    assert "statusi nuk ndryshon më" in html


def test_status_changes_only_by_post_with_a_csrf_token(order):
    sales = StaffFactory(role=Role.SALES)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(sales)
    assert browser.get(_status_url(order), {"status": "confirmed"}).status_code == 405
    assert browser.post(_status_url(order), {"status": "confirmed"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    # with the token the page carries, the same request goes through
    html = browser.get(_page(order)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    response = browser.post(
        _status_url(order), {"status": "confirmed", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_assignee_shows_by_name_in_the_list_and_on_the_page(client, order):
    # given
    sales = StaffFactory(role=Role.SALES, first_name="Elira", last_name="Marku")
    order_assign(order=order, staff=sales, actor=sales)
    # when
    listing = _html(client, sales, reverse("admin:orders_order_changelist"))
    page = _html(client, sales, _page(order))
    # then
    for html in (listing, page):
        assert "Elira Marku" in html
        assert f"Llogaria #{sales.pk}" not in html


def test_assignee_without_a_name_shows_by_email(client, order):
    nameless = StaffFactory(role=Role.SALES, first_name="", last_name="")
    order_assign(order=order, staff=nameless, actor=nameless)
    listing = _html(client, nameless, reverse("admin:orders_order_changelist"))
    assert nameless.email in listing and f"Llogaria #{nameless.pk}" not in listing


def test_list_shows_money_and_municipalities_by_name(client, order):
    listing = _html(client, StaffFactory(role=Role.SALES), reverse("admin:orders_order_changelist"))
    total = re.search(r'<td class="field-total_shown">(.*?)</td>', listing)
    municipality = re.search(r'<td class="field-[a-z_]*delivery_municipality">(.*?)</td>', listing)
    assert total is not None and total.group(1) == format_lek(order.total)
    assert municipality is not None and municipality.group(1) == "Tiranë"


def test_masked_order_page_shows_the_municipality_by_name(client, order):
    # given an order out of the queue, so a sales agent has no purpose and sees masks
    order_change_status(order=order, to_status=OrderStatus.CONFIRMED, actor=None)
    order_change_status(order=order, to_status=OrderStatus.OUT_FOR_DELIVERY, actor=None)
    html = _html(client, StaffFactory(role=Role.SALES), _page(order))
    assert "të maskuara" in html
    assert "Tiranë" in html and ">tirane<" not in html


def test_order_page_has_no_view_on_site_link(client, order):
    html = _html(client, StaffFactory(role=Role.SALES), _page(order))
    assert "viewsitelink" not in html
    assert order.public_id not in html
