"""Storefront pages of the catalogue: listings, a category, search and a product."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from catalog.forms import ProductFilterForm, ProductSearchForm
from catalog.models import Category, Product
from catalog.selectors import (
    brand_all,
    brand_facets,
    category_all,
    category_children,
    category_descendant_ids,
    category_path,
    product_detail,
    product_filter,
    product_in_categories,
    product_related,
    product_search,
    product_sort,
    product_visible,
)

LISTING_TEMPLATE = "catalog/product_list.html"
# At or below this many pieces the product page says how few are left.
LOW_STOCK_THRESHOLD = 3


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


def product_list(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET, brand_choices=_brand_choices())
    context = _listing_context(request, products=product_visible(), form=form)
    context["title"] = _("Të gjitha produktet")
    return render(request, LISTING_TEMPLATE, context)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    categories = list(category_all())
    category = next((c for c in categories if c.slug == slug), None)
    if category is None:
        raise Http404(_("Kategoria nuk u gjet."))
    ids = category_descendant_ids(category=category, categories=categories)
    form = ProductFilterForm(request.GET, brand_choices=_brand_choices())
    context = _listing_context(request, products=product_in_categories(category_ids=ids), form=form)
    context.update(
        title=category.name,
        category=category,
        breadcrumbs=category_path(category=category, categories=categories)[:-1],
        subcategories=category_children(category=category, categories=categories),
    )
    return render(request, LISTING_TEMPLATE, context)


def search(request: HttpRequest) -> HttpResponse:
    form = ProductSearchForm(request.GET, brand_choices=_brand_choices())
    form.is_valid()
    query = form.query()
    context = _listing_context(request, products=product_search(query=query), form=form)
    context.update(
        title=_("Rezultatet për „%(query)s“") % {"query": query} if query else _("Kërko"),
        search_query=query,
        is_search=True,
    )
    return render(request, LISTING_TEMPLATE, context)


def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(product_detail(), slug=slug)
    categories: list[Category] = list(category_all())
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "breadcrumbs": category_path(category=product.category, categories=categories),
            "related": list(product_related(product=product)),
            "vat_rate": settings.VAT_RATE_PERCENT,
            "low_stock_threshold": LOW_STOCK_THRESHOLD,
        },
    )
