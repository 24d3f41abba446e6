"""Found and shared: robots.txt, the sitemap, canonical addresses and hreflang,
a product's JSON-LD and Open Graph card, and nothing personal in any of them."""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from catalog.tests.conftest import Catalogue
from catalog.tests.factories import ProductFactory
from catalog.tests.seo_checks import SeoTags, seo_tags, validate_product_json_ld, validate_sitemap

pytestmark = pytest.mark.django_db

LANGUAGES = ["sq", "en"]


@pytest.fixture
def published_policy(db: None) -> None:
    # A live-server test earlier in the run may have emptied the migrations' rows.
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)


def _tags(client: Client, address: str, status: int = 200) -> SeoTags:
    response = client.get(address)
    assert response.status_code == status, address
    return seo_tags(response.content.decode())


def _in(language: str, name: str, **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _robots_rules(client: Client) -> tuple[list[str], list[str]]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")]
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap")]
    return disallowed, sitemaps


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_the_pages_about_a_person(client: Client) -> None:
    disallowed, sitemaps = _robots_rules(client)

    for prefix in ("llogaria", "shporta", "porosite", "zyra"):
        assert f"/{prefix}/" in disallowed
        assert f"/en/{prefix}/" in disallowed
    private = [
        ("accounts:profile", {}),
        ("accounts:login", {}),
        ("rights:export_request", {}),
        ("rights:export_download", {"token": "abc"}),
        ("rights:erasure_request", {}),
        ("rights:erasure_confirm", {"token": "abc"}),
        ("cart:detail", {}),
        ("orders:checkout", {}),
        ("orders:detail", {"token": "abc"}),
        ("subscriptions:unsubscribe", {"token": "abc"}),
        ("subscriptions:preferences", {"token": "abc"}),
        ("admin:index", {}),
    ]
    for language in LANGUAGES:
        for name, kwargs in private:
            address = _in(language, name, **kwargs)
            assert address.startswith(tuple(disallowed)), address
    assert sitemaps == [f"{settings.SITE_URL}/sitemap.xml"]
    assert sitemaps[0].startswith(("http://", "https://"))


def test_robots_txt_lets_crawlers_into_the_catalogue(client: Client, catalogue: Catalogue) -> None:
    disallowed, _ = _robots_rules(client)

    for language in LANGUAGES:
        for address in (
            _in(language, "catalog:home"),
            _in(language, "catalog:list"),
            _in(language, "catalog:category", slug="oled"),
            _in(language, "catalog:product", slug="lg-oled-c4"),
            _in(language, "policy:privacy"),
        ):
            assert not address.startswith(tuple(disallowed)), address


def test_robots_txt_is_at_the_root_whatever_the_language(client: Client) -> None:
    response = client.get("/robots.txt", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert client.get("/en/robots.txt").status_code == 404


# The sitemap


def _sitemap(client: Client, **headers: str) -> list[Any]:
    response = client.get("/sitemap.xml", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return validate_sitemap(response.content)


def test_sitemap_validates_and_lists_categories_and_products_in_both_languages(
    client: Client, catalogue: Catalogue
) -> None:
    urls = {url.loc: url for url in _sitemap(client)}

    categories = [catalogue.tv_audio, catalogue.televisions, catalogue.oled, catalogue.washers]
    products = [catalogue.samsung_tv, catalogue.lg_oled, catalogue.beko_washer]
    pages = [("catalog:category", {"slug": c.slug}) for c in categories]
    pages += [("catalog:product", {"slug": p.slug}) for p in products]
    pages += [("catalog:home", {}), ("catalog:list", {})]
    for name, kwargs in pages:
        sq = _absolute(_in("sq", name, **kwargs))
        en = _absolute(_in("en", name, **kwargs))
        assert en.startswith(f"{settings.SITE_URL}/en/")
        assert not sq.startswith(f"{settings.SITE_URL}/sq/")
        for loc in (sq, en):
            assert urls[loc].alternates == {"sq": sq, "en": en, "x-default": sq}


def test_sitemap_leaves_out_products_not_on_sale(client: Client, catalogue: Catalogue) -> None:
    hidden = ProductFactory(is_active=False, slug="jashte-shitjes")

    locs = "\n".join(url.loc for url in _sitemap(client))

    assert hidden.slug not in locs
    assert catalogue.samsung_tv.slug in locs


def test_sitemap_dates_products_by_their_last_change(client: Client, catalogue: Catalogue) -> None:
    urls = {url.loc: url for url in _sitemap(client)}

    product = catalogue.samsung_tv
    for language in LANGUAGES:
        entry = urls[_absolute(_in(language, "catalog:product", slug=product.slug))]
        # The day in Tirana, as the sitemap gives it (not UTC's: they differ after 23:00).
        assert entry.lastmod == timezone.localtime(product.updated_at).strftime("%Y-%m-%d")
    assert urls[_absolute(_in("sq", "catalog:category", slug="oled"))].lastmod is None


def test_sitemap_names_the_public_site_whatever_host_was_asked(
    client: Client, catalogue: Catalogue
) -> None:
    urls = _sitemap(client, HTTP_HOST="elsewhere.example")

    assert urls
    for url in urls:
        assert url.loc.startswith(f"{settings.SITE_URL}/")
        assert all(href.startswith(f"{settings.SITE_URL}/") for href in url.alternates.values())


def test_sitemap_check_refuses_what_the_schema_refuses() -> None:
    header = b'<?xml version="1.0" encoding="UTF-8"?>'
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    bad = [
        header
        + b'<urlset xmlns="http://example.com/other"><url><loc>https://a.al/</loc></url></urlset>',
        header
        + urlset
        + b"<url><lastmod>2025-01-01</lastmod><loc>https://a.al/</loc></url></urlset>",
        header + urlset + b"<url><loc>/relative/</loc></url></urlset>",
        header
        + urlset
        + b"<url><loc>https://a.al/</loc><lastmod>yesterday</lastmod></url></urlset>",
        header + urlset + b"<page><loc>https://a.al/</loc></page></urlset>",
        header + urlset + b"<url><loc>https://a.al/</loc><priority>1.5</priority></url></urlset>",
        header
        + urlset.replace(b">", b' xmlns:xhtml="http://www.w3.org/1999/xhtml">')
        + b'<url><loc>https://a.al/</loc><xhtml:link rel="alternate" hreflang="Shqip" '
        + b'href="https://a.al/"/></url></urlset>',
    ]
    for content in bad:
        with pytest.raises(AssertionError):
            validate_sitemap(content)


# Canonical addresses and their languages


PAGES = [
    ("catalog:home", {}),
    ("catalog:list", {}),
    ("catalog:category", {"slug": "televizore"}),
    ("catalog:product", {"slug": "samsung-55-crystal-uhd"}),
    ("policy:privacy", {}),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_storefront_pages_name_their_canonical_address_and_languages(
    client: Client,
    catalogue: Catalogue,
    published_policy: Any,
    language: str,
    name: str,
    kwargs: dict[str, str],
) -> None:
    tags = _tags(client, _in(language, name, **kwargs) + "?utm_source=facebook&sort=price_asc")

    sq, en = (_absolute(_in(other, name, **kwargs)) for other in LANGUAGES)
    assert tags.canonical == [sq if language == "sq" else en]
    assert tags.alternates == {"sq": sq, "en": en, "x-default": sq}
    assert tags.robots == []


def test_a_listing_keeps_only_its_page_number_in_the_canonical_address(
    client: Client, catalogue: Catalogue, settings: Any
) -> None:
    settings.CATALOG_PAGE_SIZE = 1
    listing = reverse("catalog:list")

    second = _tags(client, f"{listing}?sort=price_asc&page=2&in_stock=1")
    first = _tags(client, f"{listing}?page=1")
    beyond = _tags(client, f"{listing}?page=999")

    assert second.canonical == [_absolute(f"{listing}?page=2")]
    assert second.alternates["en"] == _absolute(f"/en{listing}?page=2")
    assert first.canonical == [_absolute(listing)]
    # Past the end the paginator shows the last page (four products, one a page).
    assert beyond.canonical == [_absolute(f"{listing}?page=4")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_results_are_not_indexed(
    client: Client, catalogue: Catalogue, language: str
) -> None:
    tags = _tags(client, _in(language, "search:results") + "?q=samsung")

    assert tags.robots == ["noindex"]
    assert tags.canonical == [] and tags.alternates == {}


@pytest.mark.parametrize(
    "address",
    [
        "/llogaria/",
        "/en/llogaria/",
        "/llogaria/adresat/",
        "/llogaria/qasjet/",
        "/llogaria/te-dhenat/shkarko/",
        "/llogaria/fshirja/",
        "/shporta/",
        "/en/shporta/",
        "/porosite/",
        "/en/porosite/",
    ],
)
def test_pages_about_a_person_say_noindex_instead_of_alternates(
    customer_client: Client, customer: Any, address: str
) -> None:
    tags = _tags(customer_client, address)

    assert tags.robots == ["noindex"]
    assert tags.canonical == [] and tags.alternates == {}
    assert tags.open_graph == {} and tags.json_ld == []


@pytest.mark.parametrize("address", ["/llogaria/hyr/", "/llogaria/regjistrohu/", "/shporta/"])
def test_account_pages_say_noindex_to_visitors_too(
    client: Client, published_policy: Any, address: str
) -> None:
    assert _tags(client, address).robots == ["noindex"]


@pytest.mark.parametrize("address", ["/nuk-ekziston/", "/produkt/nuk-ekziston/"])
def test_missing_pages_are_not_indexed(client: Client, address: str) -> None:
    tags = _tags(client, address, status=404)

    assert tags.robots == ["noindex"]
    assert tags.canonical == []


# The product's structured data and card


def _product_tags(client: Client, product: Any, language: str = "sq") -> SeoTags:
    return _tags(client, _in(language, "catalog:product", slug=product.slug))


@pytest.mark.parametrize("language", LANGUAGES)
def test_product_json_ld_is_a_product_with_its_offer(
    client: Client, catalogue: Catalogue, language: str
) -> None:
    product = catalogue.samsung_tv
    product.description_sq, product.description_en = "Ekran 55 inç.", "A 55-inch screen."
    product.save()

    tags = _product_tags(client, product, language)

    assert len(tags.json_ld) == 1
    data = validate_product_json_ld(tags.json_ld[0])
    url = _absolute(_in(language, "catalog:product", slug=product.slug))
    assert data["name"] == (product.name_sq if language == "sq" else product.name_en)
    assert data["description"] == ("Ekran 55 inç." if language == "sq" else "A 55-inch screen.")
    assert data["sku"] == "3VF-TV-00101"
    assert data["brand"] == {"@type": "Brand", "name": "Samsung"}
    assert data["url"] == url and tags.canonical == [url]
    assert data["offers"] == {
        "@type": "Offer",
        "url": url,
        "price": 64_900,
        "priceCurrency": "ALL",
        "availability": "https://schema.org/InStock",
        "seller": {"@type": "Organization", "name": "3VFejzo"},
    }
    # The placeholder the page shows is not this product's picture.
    assert "image" not in data


def test_product_json_ld_says_out_of_stock_from_the_stock(
    client: Client, catalogue: Catalogue
) -> None:
    data = validate_product_json_ld(_product_tags(client, catalogue.beko_washer).json_ld[0])

    assert catalogue.beko_washer.stock == 0
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"  # type: ignore[index]
    assert data["offers"]["price"] == 36_990  # type: ignore[index]


def test_product_json_ld_cannot_end_its_script_element(client: Client) -> None:
    text = 'Rezistent </script><script>alert("x")</script> & <!-- i fortë'
    product = ProductFactory(description_sq=text)

    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    tags = seo_tags(html)

    assert validate_product_json_ld(tags.json_ld[0])["description"] == text
    assert "<script>alert" not in html
    # The only script without a file is the data block; the policy allows no inline code.
    assert tags.inline_scripts == [{"type": "application/ld+json"}]
    assert "'self'" in response["Content-Security-Policy"]
    assert "nonce" not in response["Content-Security-Policy"]


def test_product_open_graph_card(client: Client, catalogue: Catalogue) -> None:
    product = catalogue.lg_oled

    for language, locale, other in (("sq", "sq_AL", "en_GB"), ("en", "en_GB", "sq_AL")):
        og = _product_tags(client, product, language).open_graph
        url = _absolute(_in(language, "catalog:product", slug=product.slug))
        assert og["og:site_name"] == ["3VFejzo"]
        assert og["og:type"] == ["product"]
        assert og["og:title"] == [product.name_sq if language == "sq" else product.name_en]
        assert og["og:description"][0]
        assert og["og:url"] == [url]
        assert og["og:locale"] == [locale]
        assert og["og:locale:alternate"] == [other]
        assert og["product:price:amount"] == ["219900"]
        assert og["product:price:currency"] == ["ALL"]
        assert "og:image" not in og


def test_a_product_photo_goes_into_the_card_and_the_structured_data(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    (tmp_path / "catalog" / "img").mkdir(parents=True)
    (tmp_path / "catalog" / "img" / "lg-oled.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    (tmp_path / "catalog" / "img" / "lg-oled.svg").write_text("<svg/>")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    photo = ProductFactory(image="catalog/img/lg-oled.jpg")
    drawing = ProductFactory(image="catalog/img/lg-oled.svg")

    photo_tags = _product_tags(client, photo)
    drawing_tags = _product_tags(client, drawing)

    image = _absolute("/static/catalog/img/lg-oled.jpg")
    assert photo_tags.open_graph["og:image"] == [image]
    assert photo_tags.open_graph["og:image:alt"] == [photo.name_sq]
    assert validate_product_json_ld(photo_tags.json_ld[0])["image"] == [image]
    # Link previews show no SVG; search engines read one.
    assert "og:image" not in drawing_tags.open_graph
    assert validate_product_json_ld(drawing_tags.json_ld[0])["image"] == [
        _absolute("/static/catalog/img/lg-oled.svg")
    ]


# Nothing personal, nothing from a third party


def test_nothing_about_a_signed_in_customer_reaches_these_tags(
    client: Client, customer: Any, catalogue: Catalogue, published_policy: Any
) -> None:
    addresses = [_in(language, name, **kwargs) for language in LANGUAGES for name, kwargs in PAGES]
    anonymous = {address: _tags(client, address) for address in addresses}
    client.force_login(customer)
    secrets = [customer.email, customer.first_name, customer.last_name, customer.phone]

    for address in addresses:
        tags = _tags(client, address)
        for secret in secrets:
            assert secret not in tags.text(), (address, secret)
        # The same tags as for a visitor: they come from the page, never the person.
        assert tags == anonymous[address], address
    for file in ("/robots.txt", "/sitemap.xml"):
        body = client.get(file).content.decode()
        assert not any(secret in body for secret in secrets), file


def test_no_tag_names_a_third_party(client: Client, catalogue: Catalogue) -> None:
    tags = _product_tags(client, catalogue.samsung_tv)
    site_host = settings.SITE_URL.split("://", 1)[1]

    addresses = [*tags.canonical, *tags.alternates.values(), *tags.open_graph.get("og:url", [])]
    assert addresses and all(address.split("/")[2] == site_host for address in addresses)
    assert not any(name.startswith(("fb:", "twitter:")) for name in tags.open_graph)
    data = validate_product_json_ld(tags.json_ld[0])
    assert data["@context"] == "https://schema.org"  # a vocabulary, never fetched


# Every product page against the schema


def test_every_product_pages_json_ld_validates_against_the_product_schema(
    client: Client, catalogue: Catalogue
) -> None:
    products = [
        catalogue.samsung_tv,
        catalogue.lg_oled,
        catalogue.beko_washer,
        catalogue.samsung_washer,
    ]
    for product in products:
        for language in LANGUAGES:
            tags = _product_tags(client, product, language)
            assert len(tags.json_ld) == 1, product.slug
            validate_product_json_ld(tags.json_ld[0])


def test_product_schema_refuses_what_google_would() -> None:
    good: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Televizor",
        "description": "Ekran 55 inç.",
        "sku": "3VF-TV-00101",
        "brand": {"@type": "Brand", "name": "Samsung"},
        "url": "https://3vfejzo.al/produkt/tv/",
        "offers": {
            "@type": "Offer",
            "url": "https://3vfejzo.al/produkt/tv/",
            "price": 64_900,
            "priceCurrency": "ALL",
            "availability": "https://schema.org/InStock",
        },
    }
    validate_product_json_ld(json.dumps(good))
    bad_offers: list[dict[str, Any]] = [
        {"priceCurrency": "EUR"},
        {"price": 0},
        {"price": "64900"},
        {"availability": "InStock"},
    ]
    for change in bad_offers:
        with pytest.raises(AssertionError):
            validate_product_json_ld(json.dumps({**good, "offers": {**good["offers"], **change}}))
    for missing in ("name", "sku", "brand", "offers"):
        with pytest.raises(AssertionError):
            validate_product_json_ld(json.dumps({k: v for k, v in good.items() if k != missing}))
    with pytest.raises(AssertionError):
        validate_product_json_ld(json.dumps({**good, "image": ["/static/relative.jpg"]}))
