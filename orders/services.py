"""Order writes: placing an order takes stock atomically; status changes are recorded and mailed."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Address, User
from accounts.services import AccountClosed, account_lock_open, address_save, check_address_owner
from accounts.signals import Place, Recipient
from cart.services import cart_clear
from catalog.models import Product
from catalog.services import ProductNotForSale, StockShort, stock_return, stock_take
from core.clauses import enforces
from core.phone import is_albanian_phone, validate_delivery_phone
from mail.models import MailKind
from mail.services import mail_enqueue
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange, PaymentMethod
from privacy.audit import actor_label, personal_change_record
from privacy.registry import registry

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.PLACED: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.OUT_FOR_DELIVERY, OrderStatus.CANCELLED},
    OrderStatus.OUT_FOR_DELIVERY: {OrderStatus.DELIVERED, OrderStatus.CANCELLED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}


class OrderError(Exception):
    """An order that cannot be placed or changed; the message is for the person who tried."""


class OutOfStock(OrderError):
    def __init__(self, product: Product, available: int) -> None:
        self.product = product
        self.available = available
        if available:
            message = _(
                "Na vjen keq: nga %(product)s kanë mbetur vetëm %(available)d copë. "
                "Ndryshoni sasinë në shportë."
            ) % {"product": product.name, "available": available}
        else:
            message = _(
                "Na vjen keq: %(product)s sapo u shit dhe nuk ka më gjendje. "
                "Hiqeni nga shporta për të vazhduar."
            ) % {"product": product.name}
        super().__init__(message)


class TransitionNotAllowed(OrderError):
    pass


@dataclass(frozen=True)
class Delivery:
    name: str
    phone_e164: str
    municipality: str
    street: str
    notes: str


def _new_number() -> str:
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(5))
    return f"3VF-{timezone.localdate():%y%m%d}-{suffix}"


def order_url(order: Order) -> str:
    with translation.override(order.language):
        return f"{settings.SITE_URL}{reverse('orders:detail', kwargs={'token': order.public_id})}"


def _record_status(
    *, order: Order, from_status: str, actor: User | None, recorded_as: str = ""
) -> None:
    OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=order.status,
        actor=actor,
        actor_label=recorded_as or actor_label(actor),
        changed_at=timezone.now(),
    )


def _mail_customer(*, order: Order, kind: MailKind) -> None:
    customer = order.customer
    mail_enqueue(
        kind=kind,
        to_address=customer.email,
        language=order.language,
        recipient=customer,
        context={"first_name": customer.first_name, "order": order, "order_url": order_url(order)},
    )


def _create_with_unique_number(**fields: Any) -> Order:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Order.objects.create(number=_new_number(), **fields)
        except IntegrityError:
            # An order number collision (one in millions a day): draw another.
            continue
    raise OrderError(_("Porosia nuk u regjistrua. Provoni sërish."))


@transaction.atomic
def order_place(
    *,
    customer: User,
    quantities: dict[int, int],
    delivery: Delivery,
    payment_method: PaymentMethod,
    language: str,
    actor: User | None,
) -> Order:
    """Place an order for the given quantities and take the stock, all or nothing.

    The confirmation mail is written to the outbox in the same transaction.
    """
    if not customer.email_verified:
        raise OrderError(_("Verifikoni email-in tuaj para se të porosisni."))
    # Every way in (checkout, back office, a script) meets the couriers' rule, not only
    # the checkout form: a courier calls only Albanian numbers.
    try:
        validate_delivery_phone(delivery.phone_e164)
    except ValidationError as foreign:
        raise OrderError(foreign.messages[0]) from foreign
    # An order is about its customer: it waits for, or refuses after, an erasure.
    try:
        account_lock_open(customer)
    except AccountClosed as closed:
        raise OrderError(str(closed)) from closed
    if not quantities or any(quantity < 1 for quantity in quantities.values()):
        raise OrderError(_("Shporta është bosh."))
    try:
        products = stock_take(quantities=quantities)
    except ProductNotForSale as withdrawn:
        raise OrderError(
            _("Një produkt në shportë nuk shitet më. Hiqeni për të vazhduar.")
        ) from withdrawn
    except StockShort as short:
        raise OutOfStock(short.product, short.available) from short
    now = timezone.now()
    order = _create_with_unique_number(
        customer=customer,
        payment_method=payment_method,
        delivery_name=delivery.name,
        delivery_phone=delivery.phone_e164,
        delivery_municipality=delivery.municipality,
        delivery_street=delivery.street,
        delivery_notes=delivery.notes,
        total=sum(products[pid].price * qty for pid, qty in quantities.items()),
        language=language,
        placed_at=now,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=products[pid],
            sku=products[pid].sku,
            product_name=products[pid].name_en if language == "en" else products[pid].name_sq,
            unit_price=products[pid].price,
            quantity=qty,
        )
        for pid, qty in sorted(quantities.items())
    )
    _record_status(order=order, from_status="", actor=actor)
    cart_clear(user=customer)
    _mail_customer(order=order, kind=MailKind.ORDER_CONFIRMATION)
    # Last: the customer's chain head stays locked from here to the commit, so the mail
    # is not rendered while it is held.
    personal_change_record(
        actor=actor,
        subject_id=customer.pk,
        model=Order,
        names=registry.fields_of(Order),
        reference=order.number,
    )
    return order


@transaction.atomic
def order_change_status(
    *,
    order: Order,
    to_status: OrderStatus,
    actor: User | None,
    customer_cancellation: bool = False,
    recorded_as: str = "",
) -> Order:
    """Move an order to a new status, record who did it, restock on cancel, and mail the customer.

    With customer_cancellation, only an order not yet confirmed may move; the check is
    made on the locked row, so it cannot race with staff confirming the order.
    `recorded_as` names the actor on the order's history when their account does not
    say it (a contractor: "Kompania X, dorëzim"); a role or company, never a person.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if customer_cancellation and locked.status != OrderStatus.PLACED:
        raise TransitionNotAllowed(
            _(
                "Porosia është konfirmuar tashmë dhe nuk mund të anulohet nga llogaria. "
                "Na shkruani në %(email)s."
            )
            % {"email": settings.CONTACT_EMAIL}
        )
    if to_status not in ALLOWED_TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            _("Porosia %(number)s nuk mund të kalojë nga „%(from)s” në „%(to)s”.")
            % {
                "number": locked.number,
                "from": locked.get_status_display(),
                "to": OrderStatus(to_status).label,
            }
        )
    previous = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    if to_status == OrderStatus.CANCELLED:
        lines = locked.lines.exclude(product=None).values_list("product_id", "quantity")
        returned: Counter[int] = Counter()
        for product_id, quantity in lines:
            returned[product_id] += quantity
        stock_return(quantities=returned)
    _record_status(order=locked, from_status=previous, actor=actor, recorded_as=recorded_as)
    _mail_customer(order=locked, kind=MailKind.ORDER_STATUS)
    return locked


@transaction.atomic
def order_assign(*, order: Order, staff: User | None, actor: User | None) -> Order:
    """Put an order in a staff member's hands, or back in the queue with staff=None.

    Being assigned an order is what gives a staff member a purpose to see its
    customer's delivery data (P5).
    """
    if staff is not None and not staff.is_staff:
        raise OrderError(_("Porosia mund t'i caktohet vetëm një punonjësi."))
    # Taking a colleague's order would hand its customer's data to whoever asks: an
    # order changes hands only through the queue (unassigned first).
    free = Order.objects.filter(pk=order.pk)
    if staff is not None:
        free = free.filter(Q(assigned_to__isnull=True) | Q(assigned_to=staff))
    assigned_by = actor if staff is not None else None
    taken = free.update(
        assigned_to=staff,
        assigned_by=assigned_by,
        assigned_in_status=F("status") if staff is not None else Value(""),
    )
    if not taken:
        raise OrderError(
            _("Porosia %(number)s është në ngarkim të një kolegu.") % {"number": order.number}
        )
    order.refresh_from_db(fields=["assigned_to", "assigned_by", "assigned_in_status"])
    return order


def order_cancel_by_customer(*, order: Order, customer: User) -> Order:
    """Let customers cancel their own order until staff have confirmed it."""
    if order.customer_id != customer.pk:
        raise Order.DoesNotExist
    return order_change_status(
        order=order, to_status=OrderStatus.CANCELLED, actor=customer, customer_cancellation=True
    )


# Orders the courier has not taken yet: what the customer corrects still reaches them.
UNSHIPPED_STATUSES = (OrderStatus.PLACED, OrderStatus.CONFIRMED)


def _recipient_changes(order: Order, *, old: Recipient, new: Recipient) -> dict[str, str]:
    changes = {}
    if order.delivery_name == old.name:
        changes["delivery_name"] = new.name
    # A foreign contact number is the customer's to give, but the courier calls only
    # Albanian ones: the order keeps the delivery number it has.
    if order.delivery_phone == old.phone_e164 and is_albanian_phone(new.phone_e164):
        changes["delivery_phone"] = new.phone_e164
    return changes


def _place_changes(order: Order, *, old: Place, new: Place) -> dict[str, str]:
    if (order.delivery_municipality, order.delivery_street) != (old.municipality, old.street):
        return {}
    changes = {"delivery_municipality": new.municipality, "delivery_street": new.street}
    # Checkout copies the address's courier notes unless other notes were typed.
    if order.delivery_notes == old.courier_notes:
        changes["delivery_notes"] = new.courier_notes
    return changes


def _corrected_fields(
    order: Order, *, old: Recipient | Place, new: Recipient | Place
) -> dict[str, str]:
    """Return the delivery fields of this order that still hold the old value, with the new one.

    A field the customer gave differently at checkout (another phone, another
    address) is their choice for that order and stays as it is.
    """
    if isinstance(old, Recipient) and isinstance(new, Recipient):
        changes = _recipient_changes(order, old=old, new=new)
    elif isinstance(old, Place) and isinstance(new, Place):
        changes = _place_changes(order, old=old, new=new)
    else:
        raise TypeError("A correction compares a Recipient with a Recipient, a Place with a Place.")
    return {name: value for name, value in changes.items() if getattr(order, name) != value}


def _corrections_save(
    orders: QuerySet[Order],
    *,
    customer: User,
    old: Recipient | Place,
    new: Recipient | Place,
    actor: User | None,
    only: frozenset[str] | None = None,
) -> int:
    """Give these locked orders the correction (`only` these fields); record each change."""
    updated = 0
    for order in orders.order_by("pk"):
        changes = _corrected_fields(order, old=old, new=new)
        if only is not None:
            changes = {name: value for name, value in changes.items() if name in only}
        if not changes:
            continue
        for name, value in changes.items():
            setattr(order, name, value)
        order.save(update_fields=[*changes, "updated_at"])
        personal_change_record(
            actor=actor,
            subject_id=customer.pk,
            model=Order,
            names=list(changes),
            reference=order.number,
        )
        updated += 1
    return updated


@transaction.atomic
def orders_apply_correction(
    *, customer: User, old: Recipient | Place, new: Recipient | Place, actor: User | None
) -> int:
    """Carry a customer's correction to their unshipped orders; return how many changed (P12).

    Only orders placed or confirmed, not yet with the courier, and only where the
    order still holds the old value. Encrypted values cannot be compared in the
    database, so the customer's few open orders are locked and compared here; the
    lock also keeps an order from leaving for delivery half-corrected.
    """
    if old == new:
        return 0
    orders = Order.objects.select_for_update().filter(
        customer=customer, status__in=UNSHIPPED_STATUSES
    )
    return _corrections_save(orders, customer=customer, old=old, new=new, actor=actor)


# What a courier needs to find and call the customer: all a correction may still change
# on an order already out for delivery (P10, P12).
COURIER_FIELDS = frozenset(
    {"delivery_phone", "delivery_municipality", "delivery_street", "delivery_notes"}
)


@transaction.atomic
def orders_en_route_correct(
    *,
    customer: User,
    order_ids: Iterable[int],
    old: Recipient | Place,
    new: Recipient | Place,
    actor: User | None,
) -> int:
    """Carry a correction to these orders out for delivery, for what the courier needs.

    For the app whose courier reads the order live at the door (a contractor's open
    job): only the phone, the address and its notes, only where the order still holds
    the old value, and each change recorded. The name on a shipped order stays as it
    left. Return how many orders changed.
    """
    if old == new:
        return 0
    orders = Order.objects.select_for_update().filter(
        customer=customer, status=OrderStatus.OUT_FOR_DELIVERY, pk__in=list(order_ids)
    )
    return _corrections_save(
        orders, customer=customer, old=old, new=new, actor=actor, only=COURIER_FIELDS
    )


@dataclass(frozen=True)
class NewAddress:
    municipality: str
    street: str
    save: bool


@transaction.atomic
@enforces("P3", "an order is placed only by a customer with an account")
def checkout_complete(
    *,
    customer: User,
    quantities: dict[int, int],
    address: Address | None,
    new_address: NewAddress | None,
    phone_e164: str,
    notes: str,
    payment_method: PaymentMethod,
    language: str,
) -> Order:
    """Place the order from the checkout form; saving a new address is part of the same change."""
    if address is not None:
        check_address_owner(user=customer, address=address)
        municipality, street, courier_notes = (
            address.municipality,
            address.street,
            address.courier_notes,
        )
    elif new_address is None:
        raise OrderError(_("Zgjidhni adresën e dorëzimit."))
    else:
        municipality, street, courier_notes = new_address.municipality, new_address.street, ""
        if new_address.save:
            address_save(
                user=customer,
                address=None,
                municipality=municipality,
                street=street,
                courier_notes="",
                make_default=False,
            )
    return order_place(
        customer=customer,
        quantities=quantities,
        delivery=Delivery(
            name=customer.get_full_name(),
            phone_e164=phone_e164,
            municipality=municipality,
            street=street,
            notes=notes.strip() or courier_notes,
        ),
        payment_method=payment_method,
        language=language,
        actor=customer,
    )
