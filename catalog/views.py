"""Storefront pages of the catalogue: the home page, listings, a category, search and a product."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog import seo
from catalog.forms import ProductFilterForm, ProductSearchForm
from catalog.models import Product
from catalog.selectors import (
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
    product_in_categories,
    product_related,
    product_search,
    product_sort,
    product_visible,
)
from catalog.signals import product_viewed
from catalog.sitemaps import SITEMAPS

LISTING_TEMPLATE = "catalog/product_list.html"
LISTING_CONTENT_TEMPLATE = "catalog/_listing_content.html"
# At or below this many pieces the product page says how few are left.
LOW_STOCK_THRESHOLD = 3
PRODUCT_PAGE_BEST_SELLERS = 6
HOME_BEST_SELLERS = 8


def home(request: HttpRequest) -> HttpResponse:
    """The storefront's front page: categories, best-sellers, and the visitor's own blocks."""
    # The querysets are lazy: the template caches the parts that use them.
    response = render(
        request,
        "catalog/home.html",
        {
            "categories": category_roots(),
            "best_sellers": product_best_sellers(limit=HOME_BEST_SELLERS),
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
) -> dict[str, Any]:
    """Validate the filters, then filter, sort and paginate ``products``."""
    form.is_valid()
    filters = form.filters()
    unbranded = product_filter(products, filters=filters, brands=False)
    chosen = product_sort(product_filter(products, filters=filters), sort=filters.sort)
    paginator = Paginator(chosen, settings.CATALOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "form": form,
        "filters": filters,
        "filter_errors": form.error_messages_flat(),
        "brands": list(brand_facets(products=unbranded, selected=filters.brands)),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "products": list(page.object_list),
    }


def _brand_choices() -> list[tuple[str, str]]:
    return [(brand.slug, brand.name) for brand in brand_all()]


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
    return render(request, LISTING_TEMPLATE, page)


def product_list(request: HttpRequest) -> HttpResponse:
    def build() -> dict[str, Any]:
        form = ProductFilterForm(request.GET, brand_choices=_brand_choices())
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
        form = ProductFilterForm(request.GET, brand_choices=_brand_choices())
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


def search(request: HttpRequest) -> HttpResponse:
    def build() -> dict[str, Any]:
        form = ProductSearchForm(request.GET, brand_choices=_brand_choices())
        form.is_valid()
        query = form.query()
        context = _listing_context(request, products=product_search(query=query), form=form)
        context.update(
            title=_("Rezultatet për „%(query)s“") % {"query": query} if query else _("Kërko"),
            search_query=query,
            is_search=True,
        )
        return context

    # Results are endless combinations of words, each a thin copy of the listings:
    # search engines should index the categories and products, not these pages.
    return _cached_listing(request, name="search", build=build, indexable=False)


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
            "low_stock_threshold": LOW_STOCK_THRESHOLD,
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
