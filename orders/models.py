from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.municipalities import Municipality
from core.money import vat_included
from privacy.fields import EncryptedCharField, EncryptedModel


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("E vendosur")
    CONFIRMED = "confirmed", _("E konfirmuar")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Në dorëzim")
    DELIVERED = "delivered", _("E dorëzuar")
    CANCELLED = "cancelled", _("E anuluar")


# Not yet delivered or cancelled: the order may still be paid, delivered or returned.
IN_FLIGHT_STATUSES = (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
# Waiting for sales to take them: not yet handed to the courier.
QUEUE_STATUSES = (OrderStatus.PLACED, OrderStatus.CONFIRMED)


class PaymentMethod(models.TextChoices):
    CASH_ON_DELIVERY = "cod", _("Para në dorë në dorëzim")
    BANK_TRANSFER = "bank_transfer", _("Transfertë bankare")


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class Order(EncryptedModel):
    """A customer's order, with the delivery details as they were when it was placed."""

    number = models.CharField(_("Numri i porosisë"), max_length=20, unique=True)
    # The order's address on the site: an opaque token, so no URL a browser, a log or an
    # analytics tag sees carries the order number (P7).
    public_id = models.CharField(
        _("Kodi i lidhjes"), max_length=22, unique=True, default=new_public_id, editable=False
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("Klienti"),
    )
    status = models.CharField(
        _("Statusi"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    payment_method = models.CharField(_("Pagesa"), max_length=20, choices=PaymentMethod.choices)
    # The staff member handling the order; unassigned orders wait in the sales queue.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_orders",
        limit_choices_to={"is_staff": True},
        verbose_name=_("Në ngarkim të"),
    )
    # Who put the order in its assignee's hands: a purpose one hands oneself from
    # outside one's queue opens the data only on a typed reason (P5).
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Caktuar nga"),
    )
    # The status when it was assigned: sales taking an order still in its queue is the
    # customer's purpose; taking one that had left the queue is the salesperson's own.
    assigned_in_status = models.CharField(
        _("Statusi kur u caktua"), max_length=20, choices=OrderStatus.choices, blank=True
    )
    delivery_name = EncryptedCharField(_("Marrësi"), max_length=170)
    delivery_phone = EncryptedCharField(_("Telefoni"), max_length=20)
    delivery_municipality = models.CharField(
        _("Qyteti / bashkia"), max_length=32, choices=Municipality.choices
    )
    delivery_street = EncryptedCharField(_("Rruga dhe numri"), max_length=200)
    delivery_notes = EncryptedCharField(_("Shënime për dorëzimin"), max_length=300, blank=True)
    total = models.PositiveIntegerField(_("Totali (lekë, me TVSH)"))
    language = models.CharField(_("Gjuha"), max_length=5, default="sq")
    placed_at = models.DateTimeField(_("Vendosur më"))
    updated_at = models.DateTimeField(_("Përditësuar më"), auto_now=True)

    class Meta:
        verbose_name = _("porosi")
        verbose_name_plural = _("porositë")
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["customer", "-placed_at"])]
        permissions = [("change_order_status", _("Mund të ndryshojë statusin e porosisë"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"token": self.public_id})

    @property
    def vat_amount(self) -> int:
        return vat_included(self.total)

    @property
    def can_be_cancelled_by_customer(self) -> bool:
        return self.status == OrderStatus.PLACED


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("Porosia")
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Produkti"),
    )
    sku = models.CharField(_("SKU"), max_length=32)
    product_name = models.CharField(_("Emri i produktit"), max_length=200)
    unit_price = models.PositiveIntegerField(_("Çmimi për njësi (lekë, me TVSH)"))
    quantity = models.PositiveIntegerField(_("Sasia"))

    class Meta:
        verbose_name = _("artikull i porosisë")
        verbose_name_plural = _("artikujt e porosive")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_qty_pos")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderStatusChange(models.Model):
    """Who moved an order from one status to another, and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    # Kept when the actor's account is gone; a role label, not personal data of the customer.
    actor_label = models.CharField(max_length=120)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"
