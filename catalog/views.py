"""Storefront pages of the catalogue: the home page, listings, a category and a product.

The search app builds its results on the listing helpers here (search.views).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog import seo
from catalog.forms import ProductFilterForm
from catalog.models import Brand, Product
from catalog.selectors import (
    STOCK_LOW_AT,
    brand_all,
    brand_facets,
    catalog_revision_for,
    category_all,
    category_children,
    category_descendant_ids,
    category_path,
    category_roots,
    product_best_sellers,
    product_detail,
    product_filter,
    product_for_cards,
    product_in_categories,
    product_related,
    product_sort,
    product_visible,
)
from catalog.signals import product_viewed
from catalog.sitemaps import SITEMAPS

LISTING_TEMPLATE = "catalog/product_list.html"
LISTING_CONTENT_TEMPLATE = "catalog/_listing_content.html"
PRODUCT_CARD_TEMPLATE = "catalog/_product_card.html"
PRODUCT_PAGE_BEST_SELLERS = 6
HOME_BEST_SELLERS = 8


def home(request: HttpRequest) -> HttpResponse:
    """The storefront's front page: categories, best-sellers, and the visitor's own blocks."""
    # The querysets are lazy: the template caches the parts that use them.
    response = render(
        request,
        "catalog/home.html",
        {
            # Built only when a fragment is rendered: a page served whole from the
            # cache does not even assemble these queries.
            "categories": SimpleLazyObject(lambda: list(category_roots())),
            "best_sellers": SimpleLazyObject(
                lambda: list(product_best_sellers(limit=HOME_BEST_SELLERS))
            ),
            # Nothing about the visitor beyond what base.html varies on: shareable.
            "page_cacheable": True,
        },
    )
    # What the page shows depends on the visitor's cookies (consent, history).
    patch_vary_headers(response, ("Cookie",))
    return response


def _listing_context(
    request: HttpRequest,
    *,
    products: QuerySet[Product],
    form: ProductFilterForm,
    facets_from_rows: bool = False,
) -> dict[str, Any]:
    """Validate the filters, then filter, sort and paginate ``products``.

    With ``facets_from_rows`` (a search: a few hundred matches through an index), the
    matches are read once, ranked, as ids and brands, and the count, the brand facet and
    the page are made from them in Python, instead of a count, a grouped query and a
    page that each match again. With a brand chosen, the facet (counted by the
    database) and the page are read apart, since the facet also counts the brands not
    chosen.
    """
    form.is_valid()
    filters = form.filters()
    if facets_from_rows and products.query.is_empty():
        return _empty_listing_context(request, form=form, filters=filters)
    unbranded = product_filter(products, filters=filters, brands=False)
    chosen = product_sort(product_filter(products, filters=filters), sort=filters.sort)
    brands: list[BrandFacet] | list[Brand]
    paginator: Paginator
    if facets_from_rows and not filters.brands:
        rows = list(chosen.values_list("pk", "brand_id"))
        brands = _brand_facet(request, per_brand=Counter(brand for _, brand in rows), selected=())
        paginator = Paginator([pk for pk, _ in rows], settings.CATALOG_PAGE_SIZE)
    elif facets_from_rows:
        brands, count = _brand_facets_counted(request, products=unbranded, filters=filters)
        paginator = _CountedPaginator(chosen, settings.CATALOG_PAGE_SIZE, count=count)
    else:
        brands = list(brand_facets(products=unbranded, selected=filters.brands))
        paginator = Paginator(chosen, settings.CATALOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # A search's page holds ids already read and ranked; a listing's is still a query.
    if isinstance(page.object_list, QuerySet):
        cards = product_cards_of_page(request, page_products=page.object_list)
    else:
        cards = product_cards_of_ids(request, ids=list(page.object_list))
    return {
        "form": form,
        "filters": filters,
        "filter_errors": form.error_messages_flat(),
        "brands": brands,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "products": cards,
        "product_cards": cards,
    }


def _empty_listing_context(
    request: HttpRequest, *, form: ProductFilterForm, filters: Any
) -> dict[str, Any]:
    """The context of a listing known to hold nothing (a search that found nothing)."""
    selected = set(filters.brands)
    paginator: Paginator = Paginator([], settings.CATALOG_PAGE_SIZE)
    page = paginator.get_page(1)
    return {
        "form": form,
        "filters": filters,
        "filter_errors": form.error_messages_flat(),
        "brands": [
            BrandFacet(slug=brand.slug, name=brand.name, product_count=0)
            for brand in _brands(request)
            if brand.slug in selected
        ],
        "page": page,
        "page_range": paginator.get_elided_page_range(1, on_each_side=2, on_ends=1),
        "products": [],
        "product_cards": [],
    }


class _CountedPaginator(Paginator):
    """A paginator told how many objects there are, so it does not count them again."""

    def __init__(self, object_list: QuerySet[Product], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@dataclass(frozen=True)
class BrandFacet:
    """A brand in a listing's filter, with how many of the listed products it makes."""

    slug: str
    name: str
    product_count: int


class BrandEntry(NamedTuple):
    """What the filters show of a brand; a tuple, quick to read back from the cache."""

    pk: int
    slug: str
    name: str


def _brands(request: HttpRequest) -> list[BrandEntry]:
    """Return every brand in name order, read once per catalogue revision and request.

    The filter form and the facet both ask.
    """
    brands: list[BrandEntry] | None = getattr(request, "_catalog_brands", None)
    if brands is not None:
        return brands
    key = f"catalog:brands:{catalog_revision_for(request)}"
    brands = cache.get(key)
    if brands is None:
        brands = [
            BrandEntry(*row)
            for row in brand_all().order_by("name").values_list("pk", "slug", "name")
        ]
        cache.set(key, brands, settings.CATALOG_CACHE_SECONDS)
    request._catalog_brands = brands  # type: ignore[attr-defined]
    return brands


def _brand_facet(
    request: HttpRequest, *, per_brand: Mapping[int, int], selected: Iterable[str]
) -> list[BrandFacet]:
    """Return the brands with matches (``per_brand``: how many, by brand id), and the
    ``selected`` ones even without, in name order."""
    chosen = set(selected)
    return [
        BrandFacet(slug=brand.slug, name=brand.name, product_count=per_brand.get(brand.pk, 0))
        for brand in _brands(request)
        if per_brand.get(brand.pk) or brand.slug in chosen
    ]


def _brand_facets_counted(
    request: HttpRequest, *, products: QuerySet[Product], filters: Any
) -> tuple[list[BrandFacet], int]:
    """Return the brand facet of ``products`` and how many of them the brand filter keeps."""
    # Counted by the database: a broad word matches thousands, the facet holds a few dozen.
    per_brand: dict[int, int] = dict(
        products.order_by().values_list("brand_id").annotate(matches=Count("pk"))
    )
    facets = _brand_facet(request, per_brand=per_brand, selected=filters.brands)
    return facets, sum(facet.product_count for facet in facets if facet.slug in filters.brands)


def _card_key_prefix(request: HttpRequest) -> str:
    """Cards are kept per catalogue revision and language; the product's id ends the key."""
    return f"catalog:card:{catalog_revision_for(request)}:{get_language()}:"


def product_cards(request: HttpRequest, *, products: list[Product]) -> list[SafeString]:
    """Return each product's card, reusing the HTML made for it at this catalogue revision.

    A card shows the product alone (name, brand, price, stock, photo), nothing about the
    visitor; stock and price changes move the revision. One cache read for all cards.
    """
    prefix = _card_key_prefix(request)
    keys = [f"{prefix}{product.pk}" for product in products]
    found = cache.get_many(keys)
    made: dict[str, str] = {}
    cards = []
    for key, product in zip(keys, products, strict=True):
        html = found.get(key)
        if html is None:
            html = made[key] = render_to_string(PRODUCT_CARD_TEMPLATE, {"product": product})
        cards.append(mark_safe(html))  # noqa: S308 - rendered (and escaped) by the template
    if made:
        cache.set_many(made, settings.CATALOG_CACHE_SECONDS)
    return cards


def product_cards_of_page(
    request: HttpRequest, *, page_products: QuerySet[Product]
) -> list[SafeString]:
    """Return the cards of one page of a listing, in its order.

    The page's query reads only the products' ids; whole products are read, and their
    cards made, only for those whose card is not kept yet.
    """
    return product_cards_of_ids(request, ids=list(page_products.values_list("pk", flat=True)))


def product_cards_of_ids(request: HttpRequest, *, ids: list[int]) -> list[SafeString]:
    """Return the cards of the products ``ids``, in that order, made only where not kept."""
    prefix = _card_key_prefix(request)
    found = cache.get_many([f"{prefix}{pk}" for pk in ids])
    missing = [pk for pk in ids if f"{prefix}{pk}" not in found]
    if missing:
        products = list(product_for_cards().filter(pk__in=missing))
        made = product_cards(request, products=products)
        found.update(
            (f"{prefix}{product.pk}", card) for product, card in zip(products, made, strict=True)
        )
    # A product taken off sale between the two reads simply has no card.
    return [mark_safe(found[f"{prefix}{pk}"]) for pk in ids if f"{prefix}{pk}" in found]  # noqa: S308


def _brand_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(brand.slug, brand.name) for brand in _brands(request)]


def _cached_listing(
    request: HttpRequest,
    *,
    name: str,
    build: Callable[[], dict[str, Any]],
    indexable: bool = True,
) -> HttpResponse:
    """Render a listing, reusing the HTML made for the same address at this catalogue revision.

    The cached part holds no CSRF token and nothing about the visitor; ``build`` runs
    (and may raise Http404) only when the fragment is not cached. The page number
    shown goes into the canonical address; a listing that is not ``indexable`` asks
    search engines not to index it.
    """
    key = _catalogue_key(request, name, request.get_full_path())
    page = cache.get(key)
    if page is None:
        context = build()
        page = {
            "title": str(context["title"]),
            "content": render_to_string(LISTING_CONTENT_TEMPLATE, {**context, "request": request}),
            "page_number": context["page"].number,
            "noindex": not indexable,
        }
        cache.set(key, page, settings.CATALOG_CACHE_SECONDS)
    return render(request, LISTING_TEMPLATE, {**page, "page_cacheable": True})


def product_list(request: HttpRequest) -> HttpResponse:
    def build() -> dict[str, Any]:
        form = ProductFilterForm(request.GET, brand_choices=_brand_choices(request))
        context = _listing_context(request, products=product_visible(), form=form)
        context["title"] = _("Të gjitha produktet")
        return context

    return _cached_listing(request, name="list", build=build)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict[str, Any]:
        categories = list(category_all())
        category = next((c for c in categories if c.slug == slug), None)
        if category is None:
            raise Http404(_("Kategoria nuk u gjet."))
        ids = category_descendant_ids(category=category, categories=categories)
        form = ProductFilterForm(request.GET, brand_choices=_brand_choices(request))
        products = product_in_categories(category_ids=ids)
        context = _listing_context(request, products=products, form=form)
        context.update(
            title=category.name,
            category=category,
            breadcrumbs=category_path(category=category, categories=categories)[:-1],
            subcategories=category_children(category=category, categories=categories),
        )
        return context

    return _cached_listing(request, name="category", build=build)


def _catalogue_key(request: HttpRequest, name: str, address: str) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"catalog:{name}:{catalog_revision_for(request)}:{get_language()}:{digest}"


def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    key = _catalogue_key(request, "product", slug)
    product = cache.get(key)
    if product is None:
        product = get_object_or_404(product_detail(), slug=slug)
        cache.set(key, product, settings.CATALOG_CACHE_SECONDS)
    # Lazy: the template caches the parts that use these, so a cache hit queries nothing.
    response = render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "breadcrumbs": SimpleLazyObject(
                lambda: category_path(category=product.category, categories=list(category_all()))
            ),
            "related": SimpleLazyObject(lambda: list(product_related(product=product))),
            "best_sellers": SimpleLazyObject(lambda: _best_sellers_besides(product)),
            "vat_rate": settings.VAT_RATE_PERCENT,
            "low_stock_threshold": STOCK_LOW_AT,
            "page_cacheable": True,
        },
    )
    product_viewed.send(sender=Product, request=request, response=response, product_id=product.pk)
    patch_vary_headers(response, ("Cookie",))
    return response


def _best_sellers_besides(product: Product) -> list[Product]:
    best = product_best_sellers(limit=PRODUCT_PAGE_BEST_SELLERS + 1)
    return [other for other in best if other.pk != product.pk][:PRODUCT_PAGE_BEST_SELLERS]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """/robots.txt: keep crawlers out of the pages about a person; name the sitemap."""
    return HttpResponse(seo.robots_txt(), content_type="text/plain; charset=utf-8")


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the categories and the products on sale, in both languages."""
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS)
