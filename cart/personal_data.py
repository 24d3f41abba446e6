"""A signed-in customer's cart: what they meant to buy, kept until it is abandoned."""

from cart.models import Cart, CartLine
from privacy.registry import Retention, declare
from privacy.retention import Schedule, retention_schedule

declare(Cart, subject="user", fields=[], erase_rows=True, row_retention=Retention.CART)
declare(CartLine, subject="cart__user", fields=[])

retention_schedule(
    Schedule(
        Retention.CART,
        "CART_RETENTION_DAYS",
        "days",
        "Carts untouched for this long are deleted.",
        rows=lambda period: [Cart.objects.filter(updated_at__lt=period.cutoff)],
    )
)
