"""What an order keeps about the person it is delivered to (P3)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from orders.models import IN_FLIGHT_STATUSES, QUEUE_STATUSES, Order, OrderLine, OrderStatus
from privacy.erasure_steps import OpenWork, open_work_hold
from privacy.models import AccessBasis
from privacy.pages import private_section
from privacy.purposes import PurposeSource, purpose_sources
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Period, Schedule, retention_schedule

DELIVERY = (Purpose.PRODUCTS_AND_SERVICES,)

# Orders are accounting records: on erasure the person's details are replaced and the
# order itself, its totals and products, is kept for the statutory period.
declare(
    Order,
    download_title=_("Porositë tuaja"),
    subject="customer",
    fields=[
        PersonalField(
            "delivery_name",
            Category.IDENTITY,
            DELIVERY,
            Mask.NAME,
            Retention.ACCOUNTING_PERIOD,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_phone",
            Category.CONTACT,
            DELIVERY,
            Mask.PHONE,
            Retention.ACCOUNTING_PERIOD,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_street",
            Category.ADDRESS,
            DELIVERY,
            Mask.STREET,
            Retention.ACCOUNTING_PERIOD,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_notes",
            Category.ADDRESS,
            DELIVERY,
            Mask.TEXT,
            Retention.ACCOUNTING_PERIOD,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "delivery_municipality",
            Category.ADDRESS,
            DELIVERY,
            Mask.NONE,
            Retention.ACCOUNTING_PERIOD,
            Erasure.KEEP_FOR_LAW,
        ),
    ],
)

declare(
    OrderLine,
    download_title=_("Produktet në porositë tuaja"),
    subject="order__customer",
    fields=[],
    not_personal={
        "product_name": "The product's name as sold, not a person's.",
        "sku": "The product's stock code (an appliance's model), not a person's.",
    },
)

# An order in flight gives sales (and customer care) a purpose: the one assigned to it,
# or any sales agent while it waits in the queue. Handing oneself an order that has
# left the queue is a purpose one made oneself.
purpose_sources.register(
    PurposeSource(
        basis=AccessBasis.ORDER,
        model=Order,
        customer_field="customer",
        assignee_field="assigned_to",
        open=Q(status__in=IN_FLIGHT_STATUSES),
        queue=Q(assigned_to__isnull=True, status__in=QUEUE_STATUSES),
        order_by="placed_at",
        columns=("number", "assigned_by_id", "assigned_in_status"),
        reference=lambda order: order["number"],
        self_made=lambda order, staff_id, from_queue: (
            order["assigned_by_id"] == staff_id
            and not (from_queue and order["assigned_in_status"] in QUEUE_STATUSES)
        ),
        serves={"orders.order": "pk"},
    )
)


def _orders_ended(period: Period) -> list[QuerySet[Order]]:
    cancelled_before = period.now - timedelta(days=30 * settings.CANCELLED_ORDER_RETENTION_MONTHS)
    return [
        Order.objects.filter(
            Q(placed_at__lt=period.cutoff)
            | Q(status=OrderStatus.CANCELLED, placed_at__lt=cancelled_before)
        )
    ]


retention_schedule(
    Schedule(
        Retention.ACCOUNTING_PERIOD,
        "ACCOUNTING_RETENTION_YEARS",
        "years",
        "Orders are anonymised (totals and products stay); cancelled orders after "
        "CANCELLED_ORDER_RETENTION_MONTHS. The access record is an append-only hash "
        "chain and is not pruned yet (see CHANGELOG).",
        rows=_orders_ended,
        erase=True,
    )
)

# An order in flight may still be paid, delivered or returned: erasure holds it.
open_work_hold(
    OpenWork(
        model=Order,
        customer_field="customer",
        open=Q(status__in=IN_FLIGHT_STATUSES),
        hold_field="order",
        hold_kind="unpaid_order",
        columns=("number",),
        reference=lambda order: order["number"],
    )
)

# Order addresses carry the order's number; checkout shows the delivery address.
private_section("orders", title="Porositë", root="orders:list", unlisted=(("orders:list", {}),))
