from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import Category, Product


def category_roots() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True)


def product_best_sellers(*, limit: int) -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).select_related("brand", "category")[:limit]
