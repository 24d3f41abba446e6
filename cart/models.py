from __future__ import annotations

from django.conf import settings
from django.db import models


class Cart(models.Model):
    """A signed-in customer's cart; visitors keep theirs in the session until they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cart_line_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"
