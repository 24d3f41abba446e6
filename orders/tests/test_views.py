from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus, OrderStatusChange
from orders.services import order_change_status

pytestmark = pytest.mark.django_db


def _cancel_url(order: Order) -> str:
    return reverse("orders:cancel", kwargs={"token": order.public_id})


def test_order_page_links_to_the_confirmation_and_cancels_nothing(customer_client, placed_order):
    # when
    html = customer_client.get(placed_order.get_absolute_url()).content.decode()
    # then: a link to the question, no form that cancels in one click
    assert f'href="{_cancel_url(placed_order)}"' in html
    assert f'action="{_cancel_url(placed_order)}"' not in html


def test_get_of_the_confirmation_asks_and_changes_nothing(customer_client, placed_order, product):
    # given
    stock = Product.objects.get(pk=product.pk).stock
    mails = OutboxMessage.objects.count()
    # when
    response = customer_client.get(_cancel_url(placed_order))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "A jeni i sigurt?" in html
    assert "Produktet kthehen në magazinë" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'method="post"' in html
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED
    assert Product.objects.get(pk=product.pk).stock == stock
    assert not OrderStatusChange.objects.filter(
        order=placed_order, to_status=OrderStatus.CANCELLED
    ).exists()
    assert OutboxMessage.objects.count() == mails


def test_post_of_the_confirmation_cancels(customer_client, placed_order, product):
    # when
    response = customer_client.post(_cancel_url(placed_order))
    # then
    assert response.status_code == 302
    assert response["Location"] == placed_order.get_absolute_url()
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=product.pk).stock == 5
    assert OutboxMessage.objects.filter(kind=MailKind.ORDER_STATUS).exists()


def test_the_cancel_needs_a_csrf_token(customer, placed_order):
    # given: a client that enforces CSRF, as a browser on another site would meet it
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(customer)
    # when
    response = csrf_client.post(_cancel_url(placed_order))
    # then
    assert response.status_code == 403
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED


def test_another_customers_confirmation_is_404_and_the_order_unchanged(
    client, other_customer, placed_order
):
    # given
    client.force_login(other_customer)
    # when
    asked = client.get(_cancel_url(placed_order))
    posted = client.post(_cancel_url(placed_order))
    # then
    assert asked.status_code == 404
    assert posted.status_code == 404
    assert placed_order.number not in asked.content.decode()
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.PLACED


def test_a_confirmed_order_is_not_offered_the_confirmation(customer_client, placed_order):
    # given
    order_change_status(order=placed_order, to_status=OrderStatus.CONFIRMED, actor=None)
    # when
    response = customer_client.get(_cancel_url(placed_order), follow=True)
    # then
    assert "A jeni i sigurt?" not in response.content.decode()
    assert "nuk mund të anulohet" in response.content.decode()
    placed_order.refresh_from_db()
    assert placed_order.status == OrderStatus.CONFIRMED
