"""Detail pages and history in the back office write moments as the site does: 27.11.2026 11:05."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import User
from catalog.tests.factories import ProductFactory
from core.formats import SITE_DATE_FORMAT, SITE_DATETIME_FORMAT
from orders.models import Order
from orders.tests.factories import place_order
from privacy.roles import Role
from staff.admin_base import datetime_shown
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# 10:05 in UTC is 11:05 in Tirana in November.
PLACED = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)
SHOWN = "27.11.2026 11:05"


@pytest.mark.parametrize("language", ["sq", "en"])
def test_django_formats_moments_as_the_site_in_every_language(language):
    with translation.override(language):
        assert formats.get_format("DATETIME_FORMAT") == SITE_DATETIME_FORMAT
        assert formats.get_format("DATE_FORMAT") == SITE_DATE_FORMAT
        assert formats.date_format(timezone.localtime(PLACED), "DATETIME_FORMAT") == SHOWN
    assert datetime_shown(PLACED) == SHOWN


@pytest.fixture
def order(customer: User) -> Order:
    order = place_order(customer=customer, quantities={ProductFactory(stock=2).pk: 1})
    Order.objects.filter(pk=order.pk).update(placed_at=PLACED)
    order.refresh_from_db()
    return order


def test_read_only_moment_on_a_change_form_reads_as_on_the_site(client, order):
    # given: the order page shows placed_at as a read-only field (no display helper)
    client.force_login(StaffFactory(role=Role.SALES))
    # when
    html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    # then
    assert SHOWN in html
    assert "Nën. 27, 2026" not in html and "Nov. 27, 2026" not in html
    assert "10:05" not in html, "local time, not UTC"


def test_history_reads_as_on_the_site(client, order):
    # given: one change in the admin's log, at the moment the order was placed
    staff = StaffFactory(role=Role.SALES)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Order),
        object_id=str(order.pk),
        object_repr=order.number,
        action_flag=CHANGE,
        change_message="[]",
        action_time=PLACED,
    )
    client.force_login(staff)
    # when
    html = client.get(reverse("admin:orders_order_history", args=[order.pk])).content.decode()
    # then
    assert SHOWN in html
