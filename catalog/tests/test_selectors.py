from __future__ import annotations

from typing import cast

import pytest

from catalog.models import Product
from catalog.selectors import (
    ProductFilters,
    ProductSort,
    brand_facets,
    category_all,
    category_descendant_ids,
    category_path,
    category_roots,
    product_best_sellers,
    product_filter,
    product_related,
    product_sort,
    product_visible,
)
from catalog.tests.conftest import Catalogue
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _skus(products) -> set[str]:  # type: ignore[no-untyped-def]
    return {product.sku for product in products}


def test_category_roots_are_the_top_level_in_menu_order(catalogue: Catalogue) -> None:
    assert list(category_roots()) == [catalogue.tv_audio, catalogue.appliances]


def test_descendants_include_grandchildren_and_nothing_else(catalogue: Catalogue) -> None:
    categories = list(category_all())
    ids = category_descendant_ids(category=catalogue.tv_audio, categories=categories)
    assert set(ids) == {catalogue.tv_audio.pk, catalogue.televisions.pk, catalogue.oled.pk}


def test_category_path_runs_from_the_root(catalogue: Catalogue) -> None:
    path = category_path(category=catalogue.oled, categories=list(category_all()))
    assert path == [catalogue.tv_audio, catalogue.televisions, catalogue.oled]


def test_category_path_survives_a_cycle(catalogue: Catalogue) -> None:
    # given a tree someone broke by hand in the admin
    catalogue.tv_audio.parent = catalogue.oled
    catalogue.tv_audio.save()
    # when / then: the walk ends instead of looping for ever
    path = category_path(category=catalogue.oled, categories=list(category_all()))
    assert set(path) == {catalogue.tv_audio, catalogue.televisions, catalogue.oled}
    ids = category_descendant_ids(category=catalogue.oled, categories=list(category_all()))
    assert len(ids) == len(set(ids)) == 3


def test_inactive_products_are_never_visible(catalogue: Catalogue) -> None:
    hidden = cast(
        Product,
        ProductFactory(is_active=False, name_sq="Samsung i fshehur", brand=catalogue.samsung),
    )
    assert hidden not in product_visible()
    assert hidden not in product_best_sellers(limit=10)


def test_best_sellers_are_the_most_popular_first(catalogue: Catalogue) -> None:
    assert list(product_best_sellers(limit=2)) == [catalogue.samsung_tv, catalogue.beko_washer]


def test_related_products_share_the_category_and_exclude_the_product(
    catalogue: Catalogue,
) -> None:
    others = ProductFactory.create_batch(5, category=catalogue.washers)
    related = list(product_related(product=catalogue.beko_washer))
    assert len(related) == 4
    assert catalogue.beko_washer not in related
    assert all(product.category_id == catalogue.washers.pk for product in related)
    assert set(related) <= {catalogue.samsung_washer, *others}


def test_filter_by_brand_price_and_stock(catalogue: Catalogue) -> None:
    products = product_visible()
    by_brand = product_filter(products, filters=ProductFilters(brands=("samsung", "beko")))
    assert _skus(by_brand) == {"3VF-TV-00101", "3VF-LAV-00201", "3VF-LAV-00202"}
    by_price = product_filter(products, filters=ProductFilters(min_price=40_000, max_price=70_000))
    assert _skus(by_price) == {"3VF-TV-00101", "3VF-LAV-00202"}
    in_stock = product_filter(products, filters=ProductFilters(in_stock=True))
    assert "3VF-LAV-00201" not in _skus(in_stock)
    ignoring_brand = product_filter(
        products, filters=ProductFilters(brands=("lg",), max_price=50_000), brands=False
    )
    assert _skus(ignoring_brand) == {"3VF-LAV-00201"}


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        (ProductSort.POPULAR, "3VF-TV-00101"),
        (ProductSort.PRICE_ASC, "3VF-LAV-00201"),
        (ProductSort.PRICE_DESC, "3VF-TV-00102"),
        (ProductSort.NAME, "3VF-LAV-00201"),
        (ProductSort.NEWEST, "3VF-LAV-00202"),
    ],
)
def test_sorting(catalogue: Catalogue, sort: ProductSort, first: str) -> None:
    assert product_sort(product_visible(), sort=sort).first().sku == first  # type: ignore[union-attr]


def test_brand_facets_count_products_and_keep_selected_brands(catalogue: Catalogue) -> None:
    washers = product_visible().filter(category=catalogue.washers)
    facets = {brand.slug: brand.product_count for brand in brand_facets(products=washers)}
    assert facets == {"beko": 1, "samsung": 1}
    with_selected = brand_facets(products=washers, selected=["lg"])
    assert {brand.slug: brand.product_count for brand in with_selected}["lg"] == 0
