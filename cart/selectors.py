from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.sessions.backends.base import SessionBase

from accounts.models import User
from cart.services import cart_quantities
from catalog.models import Product
from catalog.selectors import FIRST_PHOTO_ATTR, product_photo_first_subquery


@dataclass(frozen=True)
class CartItem:
    product: Product
    quantity: int

    @property
    def line_total(self) -> int:
        return self.product.price * self.quantity

    @property
    def available(self) -> bool:
        return self.product.is_active and self.quantity <= self.product.stock


@dataclass(frozen=True)
class CartContents:
    items: list[CartItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.line_total for item in self.items)

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def quantities(self) -> dict[int, int]:
        return {item.product.pk: item.quantity for item in self.items}

    @property
    def is_empty(self) -> bool:
        return not self.items

    @property
    def unavailable(self) -> list[CartItem]:
        return [item for item in self.items if not item.available]


def cart_contents(*, user: User | None, session: SessionBase) -> CartContents:
    """Return the cart with its products and their first photos, in two queries at most."""
    quantities = cart_quantities(user=user, session=session)
    if not quantities:
        return CartContents()
    products = (
        Product.objects.filter(pk__in=quantities)
        .select_related("brand")
        .annotate(**{FIRST_PHOTO_ATTR: product_photo_first_subquery()})
        .order_by("pk")
    )
    return CartContents(
        items=[CartItem(product=product, quantity=quantities[product.pk]) for product in products]
    )


def cart_count(*, user: User | None, session: SessionBase) -> int:
    return sum(cart_quantities(user=user, session=session).values())
