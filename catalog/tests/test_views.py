from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from catalog.models import Product
from catalog.signals import product_viewed
from catalog.tests.conftest import Catalogue
from catalog.tests.factories import BrandFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def _get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _result_count(html: str) -> str:
    match = re.search(r'class="result-count"[^>]*>([^<]*)<', html)
    assert match, "no result count on the page"
    return match.group(1).strip()


def _card_count(html: str) -> int:
    return html.count('<li class="card">')


# Listing, category


def test_listing_shows_every_visible_product(client: Client, catalogue: Catalogue) -> None:
    ProductFactory(is_active=False, name_sq="I fshehur")
    html = _get(client, reverse("catalog:list"))
    assert _result_count(html) == "4 produkte"
    assert _card_count(html) == 4
    assert "I fshehur" not in html
    assert f"64{NBSP}900{NBSP}L" in html
    assert 'class="stock out"' in html  # the Beko washer is out of stock
    assert catalogue.samsung_tv.get_absolute_url() in html


def test_category_includes_products_of_descendant_categories(
    client: Client, catalogue: Catalogue
) -> None:
    html = _get(client, reverse("catalog:category", kwargs={"slug": "tv-audio"}))
    assert _result_count(html) == "2 produkte"
    assert escape(catalogue.samsung_tv.name_sq) in html
    assert escape(catalogue.lg_oled.name_sq) in html
    assert escape(catalogue.beko_washer.name_sq) not in html
    assert reverse("catalog:category", kwargs={"slug": "televizore"}) in html  # subcategory


def test_category_breadcrumbs(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, reverse("catalog:category", kwargs={"slug": "oled"}))
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    assert "TV &amp; Audio" in crumbs and "Televizorë" in crumbs and "OLED" in crumbs


def test_unknown_category_and_product_are_404(client: Client, catalogue: Catalogue) -> None:
    _get(client, reverse("catalog:category", kwargs={"slug": "nuk-ekziston"}), status=404)
    _get(client, reverse("catalog:product", kwargs={"slug": "nuk-ekziston"}), status=404)


def test_inactive_product_page_is_404(client: Client, catalogue: Catalogue) -> None:
    Product.objects.filter(pk=catalogue.samsung_tv.pk).update(is_active=False)
    _get(client, catalogue.samsung_tv.get_absolute_url(), status=404)


def test_filters_brand_price_stock_and_sort(client: Client, catalogue: Catalogue) -> None:
    url = reverse("catalog:list")
    html = _get(client, f"{url}?brand=samsung&brand=beko&max_price=62000&in_stock=1&sort=price_asc")
    assert _result_count(html) == "1 produkt"
    assert catalogue.samsung_washer.name_sq in html
    assert 'id="brand-samsung" name="brand" value="samsung" checked' in html
    assert 'name="in_stock" value="1" checked' in html
    assert 'value="price_asc" selected' in html


def test_sorting_by_price(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, reverse("catalog:list") + "?sort=price_desc")
    positions = [html.index(escape(p.name_sq)) for p in (catalogue.lg_oled, catalogue.samsung_tv)]
    assert positions == sorted(positions)


def test_filter_form_labels_every_input(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, reverse("catalog:list"))
    form = html[
        html.index('<form class="filters"') : html.index("</form>", html.index('class="filters"'))
    ]
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    assert ids
    for input_id in ids:
        assert f'for="{input_id}"' in form, input_id
    assert ">Apliko<" in form
    assert 'method="get"' in form


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_price=-5", "Çmimi minimal nuk mund të jetë negativ"),
        ("max_price=abc", "Çmimi maksimal duhet të jetë numër i plotë"),
        ("min_price=" + "9" * 5000, "Çmimi minimal"),
        ("sort=lirë", "Renditja e zgjedhur nuk ekziston"),
        ("brand=nuk-ekziston", "markat e zgjedhura nuk ekziston"),
        ("min_price=9000&max_price=10", "më i vogël se minimali"),
    ],
)
def test_bad_filters_are_ignored_with_a_message(
    client: Client, catalogue: Catalogue, query: str, message: str
) -> None:
    html = _get(client, f"{reverse('catalog:list')}?{query}")
    assert message in html
    assert "Disa filtra nuk u zbatuan" in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "9" * 5000, ""])
def test_odd_page_numbers_never_fail(client: Client, catalogue: Catalogue, page: str) -> None:
    html = _get(client, f"{reverse('catalog:list')}?page={page}")
    assert _card_count(html) == 4


def test_out_of_range_page_shows_the_last_page(
    client: Client,
    catalogue: Catalogue,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CATALOG_PAGE_SIZE = 3
    html = _get(client, f"{reverse('catalog:list')}?page=99999")
    assert _card_count(html) == 1
    assert 'aria-current="page">2<' in html


def test_pagination_links_keep_the_filters(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CATALOG_PAGE_SIZE = 2
    brand = BrandFactory(name="Samsung", slug="samsung")
    ProductFactory.create_batch(5, brand=brand)
    html = _get(client, reverse("catalog:list") + "?brand=samsung&sort=price_asc")
    assert _result_count(html) == "5 produkte"
    assert _card_count(html) == 2
    assert "?brand=samsung&amp;sort=price_asc&amp;page=2" in html
    second = _get(client, reverse("catalog:list") + "?brand=samsung&sort=price_asc&page=3")
    assert _card_count(second) == 1
    assert "page=2" in second and 'rel="prev"' in second


# Product page


def test_product_page(client: Client, catalogue: Catalogue) -> None:
    product = catalogue.samsung_tv
    html = _get(client, product.get_absolute_url())
    escaped_name = escape(product.name_sq)
    assert f"<h1>{escaped_name}</h1>" in html
    assert '<p class="brand-name">Samsung</p>' in html
    assert f"64{NBSP}900{NBSP}L" in html
    assert f"TVSH 20% e përfshirë (10{NBSP}817{NBSP}L)" in html
    assert "Në gjendje" in html
    assert "copë" not in html  # 12 in stock: no low-stock note
    assert "Madhësia e ekranit" in html and "55&quot; (140 cm)" in html
    assert 'src="/static/catalog/img/placeholder.svg"' in html
    assert f'alt="{escaped_name}"' in html
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    assert "TV &amp; Audio" in crumbs and "Televizorë" in crumbs


def test_product_page_tells_the_apps_above_which_product_was_viewed(
    client: Client, catalogue: Catalogue
) -> None:
    # given
    sent: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    product_viewed.connect(listen)
    try:
        # when
        response = client.get(catalogue.samsung_tv.get_absolute_url())
        client.get("/produkt/nuk-ekziston/")
    finally:
        product_viewed.disconnect(listen)
    # then: once, for the page that was shown, with the response it may set cookies on
    assert len(sent) == 1
    assert sent[0]["product_id"] == catalogue.samsung_tv.pk
    assert sent[0]["request"].path == catalogue.samsung_tv.get_absolute_url()
    assert sent[0]["response"] is response


def test_add_to_cart_form(client: Client, catalogue: Catalogue) -> None:
    product = catalogue.samsung_tv
    html = _get(client, product.get_absolute_url())
    form = html[
        html.index('class="add-to-cart"') - 60 : html.index("</form>", html.index("add-to-cart"))
    ]
    assert f'<form method="post" action="{reverse("cart:add")}"' in form
    assert "csrfmiddlewaretoken" in form
    assert f'type="hidden" name="product" value="{product.pk}"' in form
    assert f'type="hidden" name="next" value="{product.get_absolute_url()}"' in form
    # Twelve left: no limit shown, so a cached page never shows a stale one (issue 17).
    assert 'name="quantity" min="1" value="1"' in form
    assert '<label for="add-quantity">Sasia</label>' in form
    assert "Shto në shportë" in form


def test_product_page_form_adds_to_the_cart(client: Client, catalogue: Catalogue) -> None:
    product = catalogue.samsung_tv
    response = client.post(
        reverse("cart:add"),
        {"product": product.pk, "quantity": 2, "next": product.get_absolute_url()},
    )
    assert response.status_code in (200, 302)
    assert client.session.get("cart") == {str(product.pk): 2}


def test_out_of_stock_product_has_no_cart_button(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, catalogue.beko_washer.get_absolute_url())
    assert "Pa gjendje" in html
    assert "Shto në shportë" not in html
    assert reverse("cart:add") not in html


@pytest.mark.parametrize(
    ("stock", "note"),
    [(1, "Vetëm 1 copë e mbetur"), (3, "Vetëm 3 copë të mbetura"), (4, None)],
)
def test_low_stock_note(client: Client, catalogue: Catalogue, stock: int, note: str | None) -> None:
    Product.objects.filter(pk=catalogue.lg_oled.pk).update(stock=stock)
    html = _get(client, catalogue.lg_oled.get_absolute_url())
    if note:
        assert note in html
    else:
        assert "Vetëm" not in html


def test_related_products(client: Client, catalogue: Catalogue) -> None:
    others = ProductFactory.create_batch(6, category=catalogue.washers)
    html = _get(client, catalogue.beko_washer.get_absolute_url())
    related = html[html.index('id="related-title"') :]
    related = related[: related.index("</section>")]
    assert _card_count(related) == 4
    assert catalogue.beko_washer.get_absolute_url() not in related
    assert any(product.get_absolute_url() in related for product in others)


def test_english_product_page(client: Client, catalogue: Catalogue) -> None:
    with translation.override("en"):
        url = catalogue.samsung_washer.get_absolute_url()
    assert url == "/en/produkt/samsung-lavatrice-9kg/"
    html = _get(client, url)
    assert catalogue.samsung_washer.name_en in html


# Home


def test_home_has_hero_categories_and_best_sellers(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, reverse("catalog:home"))
    assert 'class="hero"' in html
    assert reverse("catalog:category", kwargs={"slug": "tv-audio"}) in html
    assert 'class="category-tiles"' in html
    best = html[html.index('id="best-sellers-title"') :]
    assert best.index(escape(catalogue.samsung_tv.name_sq)) < best.index(
        escape(catalogue.beko_washer.name_sq)
    )


# Query counts do not grow with the number of products shown


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm up the session and any per-visitor lookups
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _grow_catalogue(*, products: int) -> None:
    """Add products spread over many brands and a deeper category tree."""
    root = CategoryFactory(slug="rritje", parent=None)
    child = CategoryFactory(slug="rritje-femije", parent=root)
    leaf = CategoryFactory(slug="rritje-gjethe", parent=child)
    for index in range(products):
        ProductFactory(
            category=(root, child, leaf)[index % 3],
            brand=BrandFactory(name=f"Rritje {index % 10}"),
            name_sq=f"Produkt rritje {index}",
            name_en=f"Growth product {index}",
        )


def _query_counts_for(client: Client, url: str) -> tuple[int, int]:
    _grow_catalogue(products=3)
    small = _queries(client, url)
    _grow_catalogue_more()
    return small, _queries(client, url)


def _grow_catalogue_more() -> None:
    leaf = CategoryFactory(slug="rritje-gjethe")
    for index in range(3, 30):
        ProductFactory(
            category=leaf,
            brand=BrandFactory(name=f"Rritje {index % 10}"),
            name_sq=f"Produkt rritje {index}",
            name_en=f"Growth product {index}",
        )


@pytest.mark.parametrize(
    "url",
    [
        "/produkte/",
        "/produkte/?brand=rritje-1&brand=rritje-2&brand=rritje-3&brand=rritje-4&brand=rritje-5&brand=rritje-6&brand=rritje-7&brand=rritje-8&brand=rritje-9&brand=rritje-0&min_price=1",
        "/kategoria/rritje/",
        "/kategoria/rritje/?in_stock=1&sort=price_asc",
        "/kerko/?q=rritje",
        "/en/kerko/?q=growth+product",
        "/",
    ],
)
def test_listing_query_count_constant(client: Client, db: None, url: str) -> None:
    small, large = _query_counts_for(client, url)
    assert large == small, f"{url}: {small} queries for 3 products, {large} for 30"


def test_listing_query_count_constant_for_a_signed_in_customer(customer_client: Client) -> None:
    small, large = _query_counts_for(customer_client, "/produkte/")
    assert large == small


def test_product_page_query_count_constant(client: Client, db: None) -> None:
    _grow_catalogue(products=3)
    lonely = ProductFactory(category=CategoryFactory(slug="vetem"))
    small = _queries(client, lonely.get_absolute_url())
    _grow_catalogue_more()
    crowded = Product.objects.filter(category__slug="rritje-gjethe").first()
    assert crowded is not None
    large = _queries(client, crowded.get_absolute_url())
    assert large == small
