"""A signed-in customer's cart: what they meant to buy, kept until it is abandoned."""

from cart.models import Cart, CartLine
from privacy.registry import Retention, declare

declare(Cart, subject="user", fields=[], erase_rows=True, row_retention=Retention.CART)
declare(CartLine, subject="cart__user", fields=[])
