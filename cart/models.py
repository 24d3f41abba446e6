from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A signed-in customer's cart; visitors keep theirs in the session until they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cart",
        verbose_name=_("Llogaria"),
    )
    updated_at = models.DateTimeField(_("Përditësuar më"), auto_now=True)

    class Meta:
        verbose_name = _("shportë")
        verbose_name_plural = _("shportat")

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(
        Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=_("Shporta")
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Produkti"),
    )
    quantity = models.PositiveIntegerField(_("Sasia"))

    class Meta:
        verbose_name = _("artikull në shportë")
        verbose_name_plural = _("artikujt në shportë")
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cart_line_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"
