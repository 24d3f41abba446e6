"""Cart writes. Visitors' carts live in the session; a signed-in customer's in the database."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cart.models import Cart, CartLine
from catalog.models import Product

SESSION_KEY = "cart"
MAX_LINE_QUANTITY = 99


class CartError(Exception):
    """A cart change that cannot be made; the message is for the customer."""


def _session_lines(session: SessionBase) -> dict[int, int]:
    raw = session.get(SESSION_KEY) or {}
    lines: dict[int, int] = {}
    for key, value in raw.items():
        try:
            product_id, quantity = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if quantity > 0:
            lines[product_id] = quantity
    return lines


def _store_session_lines(session: SessionBase, lines: dict[int, int]) -> None:
    session[SESSION_KEY] = {str(product_id): qty for product_id, qty in lines.items()}


def cart_quantities(*, user: User | None, session: SessionBase) -> dict[int, int]:
    """Return {product id: quantity} for whoever is shopping."""
    if user is not None:
        return dict(CartLine.objects.filter(cart__user=user).values_list("product_id", "quantity"))
    return _session_lines(session)


def _check_quantity(product: Product, quantity: int) -> None:
    if quantity < 1:
        raise CartError(_("Sasia duhet të jetë të paktën 1."))
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(
            _("Mund të porosisni deri në %(max)d copë nga një produkt.")
            % {"max": MAX_LINE_QUANTITY}
        )
    if not product.is_active or product.stock == 0:
        raise CartError(_("%(product)s nuk është më në gjendje.") % {"product": product.name})
    if quantity > product.stock:
        raise CartError(
            _("Për %(product)s kemi vetëm %(stock)d copë në gjendje.")
            % {"product": product.name, "stock": product.stock}
        )


@transaction.atomic
def cart_set_quantity(
    *, user: User | None, session: SessionBase, product: Product, quantity: int, add: bool = False
) -> int:
    """Set (or with add=True, increase) a product's quantity; return the new quantity.

    Setting it to 0 takes the line out of the cart, as shoppers expect of the box.
    Raises CartError and changes nothing if the quantity is not possible.
    """
    if quantity == 0 and not add:
        cart_remove(user=user, session=session, product_id=product.pk)
        return 0
    current = cart_quantities(user=user, session=session).get(product.pk, 0)
    new_quantity = current + quantity if add else quantity
    _check_quantity(product, new_quantity)
    if user is not None:
        cart, _created = Cart.objects.get_or_create(user=user)
        CartLine.objects.update_or_create(
            cart=cart, product=product, defaults={"quantity": new_quantity}
        )
    else:
        lines = _session_lines(session)
        lines[product.pk] = new_quantity
        _store_session_lines(session, lines)
    return new_quantity


def cart_remove(*, user: User | None, session: SessionBase, product_id: int) -> None:
    if user is not None:
        CartLine.objects.filter(cart__user=user, product_id=product_id).delete()
    else:
        lines = _session_lines(session)
        lines.pop(product_id, None)
        _store_session_lines(session, lines)


def cart_clear(*, user: User) -> None:
    CartLine.objects.filter(cart__user=user).delete()


@transaction.atomic
def cart_merge_session_into_account(*, session: SessionBase, user: User) -> None:
    """Move a visitor's cart into their account on sign-in, adding to what it already held.

    Quantities are capped at what is in stock so the merged cart is always orderable.
    """
    visitor_lines = _session_lines(session)
    if not visitor_lines:
        return
    cart, _created = Cart.objects.get_or_create(user=user)
    existing = dict(cart.lines.values_list("product_id", "quantity"))
    products = Product.objects.filter(pk__in=visitor_lines, is_active=True).in_bulk()
    for product_id, quantity in visitor_lines.items():
        product = products.get(product_id)
        if product is None or product.stock == 0:
            continue
        merged = min(existing.get(product_id, 0) + quantity, product.stock, MAX_LINE_QUANTITY)
        CartLine.objects.update_or_create(cart=cart, product=product, defaults={"quantity": merged})
    session.pop(SESSION_KEY, None)
