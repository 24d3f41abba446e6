"""Catalogue writes: the revision every page cache depends on, and the stock orders take."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import F

from catalog.models import CatalogRevision, Product
from catalog.selectors import stock_shown


class StockError(Exception):
    """Stock that cannot be taken; the caller words it for the person who asked."""


class ProductNotForSale(StockError):
    def __init__(self, product_id: int) -> None:
        self.product_id = product_id
        super().__init__(f"Product {product_id} is not for sale.")


class StockShort(StockError):
    def __init__(self, product: Product, available: int) -> None:
        self.product = product
        self.available = available
        super().__init__(f"Product {product.pk} has {available} left.")


def catalog_revision_bump() -> None:
    """Move the catalogue revision on, in the caller's transaction.

    Call it after any change a catalogue page shows (products, prices, what stock
    pages show, categories, brands); saves through the ORM call it by themselves
    (catalog/receivers.py). Every cached page waits on this one row, so orders move it
    only when a page would read differently (`stock_shown`).
    """
    row = CatalogRevision.ROW
    moved = CatalogRevision.objects.filter(pk=row).update(number=F("number") + 1)
    if not moved:
        CatalogRevision.objects.get_or_create(pk=row, defaults={"number": 1})


def stock_take(*, quantities: Mapping[int, int]) -> dict[int, Product]:
    """Take these quantities (by product id) from stock, all or nothing; return the products.

    Runs in the caller's transaction, which must roll back when this raises:
    ProductNotForSale for a product gone or withdrawn, StockShort for one with too
    few pieces left (its `available` is what is left now).
    """
    # Lock the rows in a fixed order so two checkouts never deadlock; the conditional
    # UPDATE is what makes overselling impossible on SQLite too, where there are no row locks.
    products = Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
    by_id = {product.pk: product for product in products}
    shown_changes = False
    for product_id, quantity in sorted(quantities.items()):
        product = by_id.get(product_id)
        if product is None or not product.is_active:
            raise ProductNotForSale(product_id)
        taken = Product.objects.filter(pk=product_id, stock__gte=quantity).update(
            stock=F("stock") - quantity
        )
        if taken != 1:
            product.refresh_from_db(fields=["stock"])
            raise StockShort(product, product.stock)
        # The row is locked: what it held when read is what the UPDATE took from.
        shown_changes |= stock_shown(product.stock) != stock_shown(product.stock - quantity)
    # Every order would otherwise queue on the one revision row, and empty every cache.
    if shown_changes:
        catalog_revision_bump()
    return by_id


def stock_return(*, quantities: Mapping[int, int]) -> None:
    """Put these quantities (by product id) back in stock, in the caller's transaction.

    A product deleted since is skipped: there is no shelf to put it back on.
    """
    if not quantities:
        return
    # Locked in id order, as stock_take locks, so a return never deadlocks with a checkout.
    products = Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
    stock_before = dict(products.values_list("pk", "stock"))
    shown_changes = False
    for product_id, quantity in sorted(quantities.items()):
        if product_id not in stock_before:
            continue
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
        before = stock_before[product_id]
        shown_changes |= stock_shown(before) != stock_shown(before + quantity)
    if shown_changes:
        catalog_revision_bump()
