"""Reads of the catalogue: what the storefront lists, filters and finds."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, JSONField, OuterRef, Q, QuerySet, Subquery, TextChoices
from django.db.models.functions import JSONObject
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from catalog.models import Brand, CatalogRevision, Category, Product, ProductPhoto

# The search box's limit (the search itself is the search app's).
SEARCH_MAX_LENGTH = 100


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


_REVISION_SQL = (
    f"SELECT number FROM {CatalogRevision._meta.db_table} "  # noqa: S608 - a model's own table
    f"WHERE {CatalogRevision._meta.pk.column} = %s"
)


def catalog_revision() -> int:
    """Return the catalogue's current revision (see CatalogRevision); one primary-key read.

    Every storefront request asks, so it is one plain statement: building it through
    the ORM cost more than running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_REVISION_SQL, [CatalogRevision.ROW])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


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


def product_on_sale() -> QuerySet[Product]:
    """Return the products a visitor may see, bare: to match, count and rank them."""
    return Product.objects.filter(is_active=True)


def product_visible() -> QuerySet[Product]:
    """Return the products a visitor may see, with what a product card shows."""
    return (
        product_on_sale()
        .select_related("brand")
        .annotate(**{FIRST_PHOTO_ATTR: product_photo_first_subquery()})
    )


# What a product card shows (catalog/_product_card.html), and nothing more: a page of
# cards then reads neither the descriptions nor the specifications (JSON, decoded per row).
_CARD_FIELDS = ("id", "slug", "brand", "name_sq", "name_en", "price", "stock", "image")


def product_for_cards() -> QuerySet[Product]:
    """Return the products a visitor may see, with only what a product card shows."""
    return product_visible().only(*_CARD_FIELDS)


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
    """Order ``products``; RELEVANCE needs the ``rank`` annotation of search.selectors."""
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


# Product photos: the first photo of each product a card shows, read in the same query as
# the products (a subquery), so a listing costs no more queries with photos than without.
FIRST_PHOTO_ATTR = "first_photo_row"
_PHOTO_FIELDS = ("id", "image", "position", "alt_sq", "alt_en", "width", "height", "renditions")
_FIRST_PHOTO_CACHE = "_first_photo"


def product_photo_first_subquery() -> Subquery:
    """Return a subquery of the product's first photo as one JSON object (None without)."""
    first = (
        ProductPhoto.objects.filter(product=OuterRef("pk"))
        .order_by("position", "id")
        .values(row=JSONObject(**{name: name for name in _PHOTO_FIELDS}))[:1]
    )
    return Subquery(first, output_field=JSONField())


def _photo_from_row(product: Product, row: object) -> ProductPhoto | None:
    """Rebuild the photo from the subquery's JSON; a row not of that shape gives None."""
    if not isinstance(row, dict):
        return None
    renditions = row.get("renditions")
    if isinstance(renditions, str):
        # SQLite's json_object() embeds a JSON column as text.
        try:
            renditions = json.loads(renditions)
        except ValueError:
            renditions = []
    try:
        return ProductPhoto(
            id=int(row["id"]),
            product=product,
            image=str(row["image"]),
            position=int(row["position"]),
            alt_sq=str(row["alt_sq"]),
            alt_en=str(row["alt_en"] or ""),
            width=int(row["width"]),
            height=int(row["height"]),
            renditions=renditions if isinstance(renditions, list) else [],
        )
    except (KeyError, TypeError, ValueError):
        return None


def product_photos_prefetch(products: Iterable[Product]) -> None:
    """Read the first photo of each product not read yet, in one query for them all."""
    missing = [
        product
        for product in products
        if _FIRST_PHOTO_CACHE not in product.__dict__ and not hasattr(product, FIRST_PHOTO_ATTR)
    ]
    if not missing:
        return
    first: dict[int, ProductPhoto] = {}
    photos = ProductPhoto.objects.filter(product__in=missing).order_by(
        "product_id", "position", "id"
    )
    for photo in photos:
        first.setdefault(photo.product_id, photo)
    for product in missing:
        product.__dict__[_FIRST_PHOTO_CACHE] = first.get(product.pk)


def product_photo_first(product: Product) -> ProductPhoto | None:
    """Return the product's first photo, None without: as product_visible() read it, as
    product_photos_prefetch() did, or else with one query."""
    if _FIRST_PHOTO_CACHE not in product.__dict__:
        if hasattr(product, FIRST_PHOTO_ATTR):
            row = getattr(product, FIRST_PHOTO_ATTR)
            product.__dict__[_FIRST_PHOTO_CACHE] = _photo_from_row(product, row)
        else:
            product_photos_prefetch([product])
    photo: ProductPhoto | None = product.__dict__[_FIRST_PHOTO_CACHE]
    return photo


def product_photos(product: Product) -> list[ProductPhoto]:
    """Return every photo of the product, in gallery order."""
    return list(product.photos.order_by("position", "id"))


# At or below this many pieces a product is running out: the product page says how
# few are left, and the back office's landing page lists it.
STOCK_LOW_AT = 3


def stock_shown(stock: int) -> tuple[bool, int | None]:
    """Return what a catalogue page shows of this stock: in stock or not, and how few
    are left when it is running out. A change of stock that leaves this alone leaves
    every cached page true (catalog.services.stock_take)."""
    return stock > 0, stock if 0 < stock <= STOCK_LOW_AT else None


def products_low_stock(*, at_most: int, limit: int) -> QuerySet[Product]:
    """Return products on sale with at most `at_most` in stock, the emptiest first."""
    return (
        Product.objects.filter(is_active=True, stock__lte=at_most)
        .order_by("stock", "name_sq", "pk")
        .only("pk", "sku", "name_sq", "stock")[:limit]
    )


def products_low_stock_count(*, at_most: int) -> int:
    """Return how many products on sale have at most `at_most` in stock (one query)."""
    return Product.objects.filter(is_active=True, stock__lte=at_most).count()
