"""A signed-in customer's cart: what they meant to buy, kept until it is abandoned."""

from django.utils.translation import gettext_lazy as _

from cart.models import Cart, CartLine
from privacy.pages import private_section
from privacy.registry import Retention, declare
from privacy.retention import Schedule, retention_schedule

declare(
    Cart,
    download_title=_("Shporta juaj"),
    subject="user",
    fields=[],
    erase_rows=True,
    row_retention=Retention.CART,
)
declare(CartLine, download_title=_("Produktet në shportën tuaj"), subject="cart__user", fields=[])

retention_schedule(
    Schedule(
        Retention.CART,
        "CART_RETENTION_DAYS",
        "days",
        "Carts untouched for this long are deleted.",
        rows=lambda period: [Cart.objects.filter(updated_at__lt=period.cutoff)],
    )
)

# A visitor's cart is theirs alone.
private_section("cart", title="Shporta", root="cart:detail", unlisted=(("cart:detail", {}),))
