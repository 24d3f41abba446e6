from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from core.testing import run_tasks
from orders.models import OrderStatus, OrderStatusChange
from orders.services import TransitionNotAllowed, order_change_status
from privacy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_agent(db):  # type: ignore[no-untyped-def]
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=Role.SALES))
    return agent


def test_status_changes_are_recorded_with_who_and_when_and_mailed(
    placed_order, sales_agent, smtp_server
):
    order_change_status(order=placed_order, to_status=OrderStatus.CONFIRMED, actor=sales_agent)
    order_change_status(
        order=placed_order, to_status=OrderStatus.OUT_FOR_DELIVERY, actor=sales_agent
    )
    order_change_status(order=placed_order, to_status=OrderStatus.DELIVERED, actor=sales_agent)
    history = list(OrderStatusChange.objects.filter(order=placed_order).order_by("id"))
    assert [c.to_status for c in history] == [
        "placed",
        "confirmed",
        "out_for_delivery",
        "delivered",
    ]
    assert all(c.actor == sales_agent for c in history[1:])
    # The label outlives the account: the role, as every record names staff, never who.
    assert [c.actor_label for c in history] == ["customer", "sales", "sales", "sales"]
    assert all(c.changed_at is not None for c in history)
    run_tasks()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert sum(placed_order.number in s for s in subjects) == 4


def test_impossible_transition_is_refused(placed_order):
    order_change_status(order=placed_order, to_status=OrderStatus.CANCELLED, actor=None)
    with pytest.raises(TransitionNotAllowed):
        order_change_status(order=placed_order, to_status=OrderStatus.DELIVERED, actor=None)


def test_staff_change_status_through_the_back_office(client, placed_order, sales_agent):
    client.force_login(sales_agent)
    response = client.post(
        "/zyra/orders/order/",
        {"action": "mark_confirmed", "_selected_action": [placed_order.pk]},
        follow=True,
    )
    assert response.status_code == 200
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.CONFIRMED


def test_marketing_cannot_see_orders_in_the_back_office(client, placed_order):
    marketer = UserFactory(is_staff=True)
    marketer.groups.add(Group.objects.get(name=Role.MARKETING))
    client.force_login(marketer)
    assert client.get("/zyra/orders/order/").status_code == 403
    assert client.get("/zyra/accounts/user/").status_code == 403
