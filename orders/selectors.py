from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange


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


@dataclass(frozen=True)
class DayFigures:
    """The sales desk's figures for today: no customer in them, only counts and money."""

    to_confirm: int
    today_orders: int
    today_revenue: int


def order_day_figures(*, now: datetime) -> DayFigures:
    """Return orders waiting for confirmation, and today's orders and their value (one query).

    Today is the local day of `now`; cancelled orders count towards neither.
    """
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = Q(placed_at__gte=start) & ~Q(status=OrderStatus.CANCELLED)
    figures = Order.objects.aggregate(
        to_confirm=Count("pk", filter=Q(status=OrderStatus.PLACED)),
        today_orders=Count("pk", filter=today),
        today_revenue=Sum("total", filter=today),
    )
    return DayFigures(
        to_confirm=figures["to_confirm"],
        today_orders=figures["today_orders"],
        today_revenue=figures["today_revenue"] or 0,
    )


def orders_waiting_confirmation(*, limit: int) -> QuerySet[Order]:
    """Return the oldest orders still to confirm, first come first served."""
    return Order.objects.filter(status=OrderStatus.PLACED).order_by("placed_at", "pk")[:limit]


def order_counts_per_day(*, now: datetime, days: int) -> list[tuple[date, int]]:
    """Return each of the last `days` local days, oldest first, with its orders (one query).

    Cancelled orders count: the chart shows what came in.
    """
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    counts = dict(
        Order.objects.filter(placed_at__gte=start)
        .annotate(day=TruncDate("placed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    return [
        (first + timedelta(days=offset), counts.get(first + timedelta(days=offset), 0))
        for offset in range(days)
    ]
