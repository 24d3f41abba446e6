from __future__ import annotations

import pytest
from django.db import transaction

from catalog.models import Product
from catalog.selectors import catalog_revision
from catalog.services import ProductNotForSale, StockShort, stock_return, stock_take
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _stock(*products: Product) -> list[int]:
    return [Product.objects.get(pk=product.pk).stock for product in products]


def test_stock_take_takes_every_quantity_and_moves_the_revision():
    tv, phone = ProductFactory(stock=5), ProductFactory(stock=2)
    before = catalog_revision()

    taken = stock_take(quantities={tv.pk: 2, phone.pk: 2})

    assert set(taken) == {tv.pk, phone.pk}
    assert _stock(tv, phone) == [3, 0]
    assert catalog_revision() > before


def test_stock_take_is_all_or_nothing_when_one_product_is_short():
    tv, phone = ProductFactory(stock=5), ProductFactory(stock=1)

    with pytest.raises(StockShort) as short, transaction.atomic():
        stock_take(quantities={tv.pk: 1, phone.pk: 2})

    assert short.value.product == phone and short.value.available == 1
    assert _stock(tv, phone) == [5, 1]


@pytest.mark.parametrize("withdrawn", ["inactive", "deleted"])
def test_stock_take_refuses_a_product_no_longer_for_sale(withdrawn):
    product = ProductFactory(stock=5)
    product_id = product.pk
    if withdrawn == "inactive":
        Product.objects.filter(pk=product_id).update(is_active=False)
    else:
        product.delete()

    with pytest.raises(ProductNotForSale) as refused:
        stock_take(quantities={product_id: 1})

    assert refused.value.product_id == product_id


def test_stock_return_puts_the_pieces_back_and_skips_a_deleted_product():
    tv, gone = ProductFactory(stock=0), ProductFactory(stock=0)
    gone_id = gone.pk
    gone.delete()
    before = catalog_revision()

    stock_return(quantities={tv.pk: 3, gone_id: 1})

    assert _stock(tv) == [3]
    assert catalog_revision() > before


def test_stock_return_of_nothing_changes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        stock_return(quantities={})


def test_an_order_that_changes_nothing_a_page_shows_leaves_the_revision_alone():
    """Orders from many customers must not queue on the one revision row (issue 17)."""
    plenty = ProductFactory(stock=50)
    before = catalog_revision()

    stock_take(quantities={plenty.pk: 2})
    stock_return(quantities={plenty.pk: 1})

    assert _stock(plenty) == [49]
    assert catalog_revision() == before


@pytest.mark.parametrize(
    ("stock", "taken"),
    [(4, 1), (3, 1), (1, 1), (10, 10)],
    ids=["now-running-out", "fewer-left", "sold-out", "all-at-once"],
)
def test_an_order_that_changes_what_a_page_shows_moves_the_revision(stock, taken):
    product = ProductFactory(stock=stock)
    before = catalog_revision()

    stock_take(quantities={product.pk: taken})

    assert catalog_revision() > before


@pytest.mark.parametrize(("stock", "moves"), [(0, True), (2, True), (3, True), (20, False)])
def test_a_return_moves_the_revision_only_when_a_page_would_read_differently(stock, moves):
    product = ProductFactory(stock=stock)
    before = catalog_revision()

    stock_return(quantities={product.pk: 1})

    assert (catalog_revision() > before) is moves
