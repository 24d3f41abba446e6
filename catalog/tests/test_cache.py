"""Cached catalogue pages never show what the catalogue no longer says."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import CatalogRevision, Product
from catalog.selectors import catalog_revision
from catalog.tests.factories import ProductFactory
from orders.tests.factories import place_order

pytestmark = pytest.mark.django_db


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/", "/produkte/", "/kerko/?q=samsung"])
def test_a_repeated_page_is_served_from_cache(client, catalogue, path):
    first = _queries(client, path)
    assert _queries(client, path) < first
    assert _queries(client, path) <= 2


def test_a_repeated_product_page_reads_only_the_product(client, catalogue):
    path = catalogue.samsung_tv.get_absolute_url()
    first = _queries(client, path)
    assert _queries(client, path) < first


def test_price_change_shows_at_once(client, catalogue):
    client.get("/produkte/")
    product = Product.objects.get(pk=catalogue.samsung_tv.pk)
    product.price = 12_345
    product.save()
    assert "12\u00a0345\u00a0L" in client.get("/produkte/").content.decode()


def test_selling_the_last_unit_shows_out_of_stock_at_once(client, catalogue, customer):
    product = ProductFactory(stock=1, name_sq="Fshesë e fundit", popularity=10_000)
    before = client.get(product.category.get_absolute_url()).content.decode()
    assert "Në gjendje" in before.split("Fshesë e fundit", 1)[1][:400]
    place_order(customer=customer, quantities={product.pk: 1})
    after = client.get(product.category.get_absolute_url()).content.decode()
    assert "Pa gjendje" in after.split("Fshesë e fundit", 1)[1][:400]


def test_running_out_shows_how_few_are_left_at_once(client, catalogue, customer):
    product = ProductFactory(stock=5)
    path = product.get_absolute_url()
    assert "copë të mbetura" not in client.get(path).content.decode()
    place_order(customer=customer, quantities={product.pk: 1})
    # Four left: still nothing to say, and the page is the one kept.
    assert "copë të mbetura" not in client.get(path).content.decode()
    place_order(customer=customer, quantities={product.pk: 2})
    assert "Vetëm 2 copë të mbetura" in client.get(path).content.decode()


def test_revision_moves_on_every_catalogue_write(catalogue):
    before = catalog_revision()
    catalogue.samsung.name = "SAMSUNG"
    catalogue.samsung.save()
    assert catalog_revision() == before + 1


def test_revision_row_recreated_if_missing(db):
    CatalogRevision.objects.all().delete()
    ProductFactory()
    assert catalog_revision() >= 1


def test_cached_pages_carry_nothing_of_the_visitor(client, catalogue, customer):
    client.force_login(customer)
    client.post("/shporta/shto/", {"product": catalogue.samsung_tv.pk, "quantity": 1})
    signed_in = client.get("/produkte/").content.decode()
    assert 'class="badge"' in signed_in and ">1</span>" in signed_in
    visitor = Client().get("/produkte/").content.decode()
    assert ">0</span>" in visitor
    assert "Dil" not in visitor


def test_each_visitor_gets_their_own_csrf_token_on_a_cached_product_page(catalogue):
    path = catalogue.samsung_tv.get_absolute_url()
    first, second = Client(), Client()
    first.get(path)
    second.get(path)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
