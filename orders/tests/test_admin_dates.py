"""The order list writes dates as the storefront does (27.11.2026 11:00), not Django's way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import place_order
from privacy.roles import Role
from staff.admin_base import SITE_DATETIME_FORMAT, datetime_shown
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PLACED = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)


def test_a_moment_reads_in_local_time_as_on_the_site():
    local = timezone.localtime(PLACED)
    assert (
        datetime_shown(PLACED)
        == date_filter(local, "d.m.Y H:i")
        == local.strftime("%d.%m.%Y %H:%M")
    )
    assert datetime_shown(None) == "—"


def test_the_storefront_writes_order_dates_with_the_same_format():
    with open("templates/orders/list.html", encoding="utf-8") as template:
        assert f'placed_at|date:"{SITE_DATETIME_FORMAT}"' in template.read()


def test_order_list_shows_the_placed_date_as_on_the_site(client, customer: User):
    order = place_order(customer=customer, quantities={ProductFactory(stock=2).pk: 1})
    Order.objects.filter(pk=order.pk).update(placed_at=PLACED)
    client.force_login(StaffFactory(role=Role.SALES))
    html = client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert datetime_shown(PLACED) in html
    assert "Nën. 27, 2026" not in html and "Nov. 27, 2026" not in html
    # the column still sorts by the moment itself
    assert client.get(reverse("admin:orders_order_changelist") + "?o=4").status_code == 200
