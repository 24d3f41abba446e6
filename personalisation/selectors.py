"""Reads behind the personal blocks: what a visitor viewed, and what to suggest from it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Case, IntegerField, Value, When

from catalog.models import Product
from catalog.selectors import product_visible

# How a suggestion relates to what the visitor viewed: the same kind of product counts
# for more than the same brand; 0 means it is only a best-seller.
_SAME_CATEGORY = 2
_SAME_BRAND = 1


def recently_viewed(
    product_ids: Sequence[int], *, exclude: int | None = None, limit: int = 6
) -> list[Product]:
    """Return the viewed products still on sale, in the order they were viewed (one query)."""
    wanted = [pk for pk in product_ids if pk != exclude][:limit]
    if not wanted:
        return []
    by_id = {product.pk: product for product in product_visible().filter(pk__in=wanted)}
    return [by_id[pk] for pk in wanted if pk in by_id]


def suggestions(product_ids: Sequence[int], *, limit: int = 6) -> list[Product]:
    """Return products in stock from the categories and brands viewed, best-selling first.

    Products already viewed are left out. When nothing related is left to suggest, return
    the best-sellers instead. Either way it is one query: related products rank ahead of
    the rest, and the rest are kept only when there are no related ones.
    """
    viewed = Product.objects.filter(pk__in=list(product_ids))
    relation = Case(
        When(category_id__in=viewed.values("category_id"), then=Value(_SAME_CATEGORY)),
        When(brand_id__in=viewed.values("brand_id"), then=Value(_SAME_BRAND)),
        default=Value(0),
        output_field=IntegerField(),
    )
    candidates = list(
        product_visible()
        .filter(stock__gt=0)
        .exclude(pk__in=list(product_ids))
        .annotate(relation=relation)
        .order_by("-relation", "-popularity", "id")[:limit]
    )
    related = [product for product in candidates if product.relation > 0]
    return [product for product in related or candidates]  # as plain Products
