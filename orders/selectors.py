from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from orders.models import Order, OrderLine, OrderStatusChange


def order_list_for_customer(*, customer: User) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).prefetch_related("lines")


def order_get_for_customer(*, customer: User, token: str) -> Order:
    """Return the customer's own order; anyone else's is a 404."""
    queryset = Order.objects.filter(customer=customer).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("changed_at")),
    )
    return get_object_or_404(queryset, public_id=token)


def order_by_number_for_customer(*, customer: User, number: str) -> Order | None:
    """Return the customer's own order with this number, for links from older mails."""
    return Order.objects.filter(customer=customer, number=number).first()
