"""Reads of the catalogue: what the storefront lists, filters and finds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, TextChoices, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from catalog.models import Brand, CatalogRevision, Category, Product

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 10
SEARCH_CONFIG = "simple"

# Albanian shoppers often type "lavatrice" for "lavatriçe" and "televizore" for
# "televizorë": a term matches either spelling of these letters.
_LETTER_VARIANTS = {"c": "cçCÇ", "ç": "cçCÇ", "e": "eëEË", "ë": "eëEË"}


class ProductSort(TextChoices):
    POPULAR = "popular", _("Më të shiturat")
    PRICE_ASC = "price_asc", _("Çmimi: nga më i ulëti")
    PRICE_DESC = "price_desc", _("Çmimi: nga më i larti")
    NEWEST = "newest", _("Më të rejat")
    NAME = "name", _("Emri (A–Z)")
    RELEVANCE = "relevance", _("Më të përshtatshmet")


_SORT_ORDER: dict[ProductSort, tuple[str, ...]] = {
    ProductSort.POPULAR: ("-popularity", "id"),
    ProductSort.PRICE_ASC: ("price", "id"),
    ProductSort.PRICE_DESC: ("-price", "id"),
    ProductSort.NEWEST: ("-created_at", "-id"),
    ProductSort.NAME: ("name_sq", "id"),
}


@dataclass(frozen=True)
class ProductFilters:
    """The listing filters a visitor chose, already validated."""

    brands: tuple[str, ...] = field(default_factory=tuple)
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: ProductSort = ProductSort.POPULAR


def catalog_revision() -> int:
    """Return the catalogue's current revision (see CatalogRevision); one primary-key read."""
    revision = CatalogRevision.objects.filter(pk=CatalogRevision.ROW)
    number = revision.values_list("number", flat=True).first()
    return number or 0


def catalog_revision_for(request: HttpRequest) -> int:
    """Return the revision read once for this request, however many fragments ask."""
    revision: int | None = getattr(request, "_catalog_revision", None)
    if revision is None:
        revision = catalog_revision()
        request._catalog_revision = revision  # type: ignore[attr-defined]
    return revision


def category_roots() -> QuerySet[Category]:
    """Return the top-level categories in menu order."""
    return Category.objects.filter(parent__isnull=True)


def category_all() -> QuerySet[Category]:
    """Return every category; the tree is small enough to walk in memory."""
    return Category.objects.all()


def category_children(*, category: Category, categories: Iterable[Category]) -> list[Category]:
    """Return the direct children of ``category`` among ``categories``, in menu order."""
    return [c for c in categories if c.parent_id == category.pk]


def category_descendant_ids(*, category: Category, categories: Iterable[Category]) -> list[int]:
    """Return the ids of ``category`` and every category below it."""
    by_parent: dict[int | None, list[int]] = {}
    for candidate in categories:
        by_parent.setdefault(candidate.parent_id, []).append(candidate.pk)
    ids: list[int] = []
    pending = [category.pk]
    while pending:
        current = pending.pop()
        if current in ids:  # a cycle typed in by hand must not hang the page
            continue
        ids.append(current)
        pending.extend(by_parent.get(current, []))
    return ids


def category_path(*, category: Category, categories: Iterable[Category]) -> list[Category]:
    """Return the categories from the root down to ``category``, for breadcrumbs."""
    by_id = {c.pk: c for c in categories}
    path: list[Category] = []
    current: Category | None = by_id.get(category.pk, category)
    while current is not None and current not in path:
        path.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return list(reversed(path))


def product_visible() -> QuerySet[Product]:
    """Return the products a visitor may see, with what a product card shows."""
    return Product.objects.filter(is_active=True).select_related("brand")


def product_best_sellers(*, limit: int) -> QuerySet[Product]:
    """Return the most popular products on sale."""
    return product_visible().order_by("-popularity", "id")[:limit]


def product_detail() -> QuerySet[Product]:
    """Return visible products with what the product page shows."""
    return product_visible().select_related("category")


def product_related(*, product: Product, limit: int = 4) -> QuerySet[Product]:
    """Return other popular products from the same category."""
    return (
        product_visible()
        .filter(category_id=product.category_id)
        .exclude(pk=product.pk)
        .order_by("-popularity", "id")[:limit]
    )


def product_in_categories(*, category_ids: Iterable[int]) -> QuerySet[Product]:
    return product_visible().filter(category_id__in=list(category_ids))


def _term_pattern(term: str) -> str:
    """Return a case-insensitive regex for ``term`` that accepts c/ç and e/ë alike."""
    return "".join(
        f"[{_LETTER_VARIANTS[char]}]" if char in _LETTER_VARIANTS else re.escape(char)
        for char in term.lower()
    )


def search_terms(query: str) -> list[str]:
    """Split a search box entry into at most SEARCH_MAX_TERMS words."""
    return query[:SEARCH_MAX_LENGTH].split()[:SEARCH_MAX_TERMS]


def _every_term_matches(terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        pattern = _term_pattern(term)
        condition &= (
            Q(name_sq__iregex=pattern)
            | Q(name_en__iregex=pattern)
            | Q(brand__name__iregex=pattern)
            | Q(sku__icontains=term)
        )
    return condition


def product_search(*, query: str) -> QuerySet[Product]:
    """Return visible products matching ``query`` by name (sq/en), brand or SKU.

    On PostgreSQL full-text matches rank first; a word-by-word substring match
    also counts, so a partial word or a missing ë/ç still finds the product.
    Elsewhere every word must appear in a name, the brand or the SKU.
    The result carries a ``rank`` annotation (0 where there is no ranking).
    """
    query = query.strip()[:SEARCH_MAX_LENGTH]
    terms = search_terms(query)
    products = product_visible()
    if not terms:
        return products.none().annotate(rank=Value(0.0))
    if connection.vendor == "postgresql":
        vector = SearchVector("name_sq", "name_en", "brand__name", "sku", config=SEARCH_CONFIG)
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return (
            products.annotate(search=vector)
            .filter(Q(search=search_query) | Q(sku__icontains=query) | _every_term_matches(terms))
            .annotate(rank=Coalesce(SearchRank(F("search"), search_query), Value(0.0)))
        )
    return products.filter(_every_term_matches(terms)).annotate(rank=Value(0.0))


def product_filter(
    products: QuerySet[Product], *, filters: ProductFilters, brands: bool = True
) -> QuerySet[Product]:
    """Narrow ``products`` by price, stock and (unless ``brands`` is False) brand."""
    if brands and filters.brands:
        products = products.filter(brand__slug__in=filters.brands)
    if filters.min_price is not None:
        products = products.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(price__lte=filters.max_price)
    if filters.in_stock:
        products = products.filter(stock__gt=0)
    return products


def product_sort(products: QuerySet[Product], *, sort: ProductSort) -> QuerySet[Product]:
    """Order ``products``; RELEVANCE needs the ``rank`` annotation of product_search."""
    if sort == ProductSort.RELEVANCE:
        return products.order_by("-rank", "-popularity", "id")
    return products.order_by(*_SORT_ORDER[sort])


def brand_all() -> QuerySet[Brand]:
    return Brand.objects.all()


def brand_facets(*, products: QuerySet[Product], selected: Iterable[str] = ()) -> QuerySet[Brand]:
    """Return the brands among ``products``, and any ``selected`` ones, with ``product_count``."""
    return (
        Brand.objects.annotate(
            product_count=Count(
                "products", filter=Q(products__pk__in=products.order_by().values("pk"))
            )
        )
        .filter(Q(product_count__gt=0) | Q(slug__in=list(selected)))
        .order_by("name")
    )
